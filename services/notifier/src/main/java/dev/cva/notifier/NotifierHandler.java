package dev.cva.notifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cva.contracts.ContractValidator;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.contracts.webhook.WebhookSigner;
import dev.cva.notifier.aws.SecretsManagerSecrets;
import dev.cva.notifier.aws.SqsDeadLetters;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda entry point on the analytics table's DynamoDB stream (NEW_IMAGE). Thin: builds its collaborators once,
 * and reports a batch item failure only when a record could neither be delivered nor dead-lettered.
 *
 * <p>Environment: {@code WEBHOOK_URL}, {@code WEBHOOK_SECRET} (whsec_…, never logged), {@code WEBHOOK_DLQ_URL},
 * {@code WEBHOOK_MAX_ATTEMPTS} (3), {@code WEBHOOK_TIMEOUT_MS} (5000), {@code WEBHOOK_BASE_DELAY_MS} (200),
 * {@code WEBHOOK_BREAKER_FAILURES} (5), {@code WEBHOOK_BREAKER_DELAY_MS} (5000),
 * {@code WEBHOOK_SECRET_ARN} with {@code WEBHOOK_SECRET_REFRESH_SECONDS} (30; see {@link RefreshingSigner}),
 * {@code AWS_REGION}; the SQS endpoint through the SDK's {@code AWS_ENDPOINT_URL_SQS} / {@code AWS_ENDPOINT_URL}.
 */
public class NotifierHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    /** Webhooks of one batch in flight at once (each with its own retries and dead letter). */
    static final int PARALLEL_SENDS = 8;

    private final StreamNotifier notifier;
    private final JsonLog log;
    /** SnapStart's restore hook (held here: the CRaC context may keep it weakly). */
    private final NotifierRestore restore;

    /** For the Lambda runtime: everything from the environment. */
    public NotifierHandler() {
        this(System.getenv(), new JsonLog("notifier"));
    }

    private NotifierHandler(Map<String, String> env, JsonLog log) {
        this(NotifierConfig.fromEnv(env, SecretsManagerSecrets::readOnce), env, log);
    }

    private NotifierHandler(NotifierConfig config, Map<String, String> env, JsonLog log) {
        this(
                config,
                HttpClient.newBuilder()
                        .connectTimeout(config.timeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build(),
                SqsClient.builder()
                        .region(Region.of(config.region()))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build(),
                Clock.systemUTC(),
                log,
                signer(env, config, log));
    }

    /** For tests: injected configuration, HTTP and SQS clients, clock and log. */
    public NotifierHandler(NotifierConfig config, HttpClient http, SqsClient sqs, Clock clock, JsonLog log) {
        this(config, http, sqs, clock, log, fixed(config.secret()));
    }

    /** For tests: as above, with the signer the handler asks before each send. */
    public NotifierHandler(
            NotifierConfig config,
            HttpClient http,
            SqsClient sqs,
            Clock clock,
            JsonLog log,
            Supplier<WebhookSigner> signer) {
        this.log = log;
        var mapper = JsonMapper.builder().build();
        var webhooks = new HttpWebhookClient(http, signer, config, clock, log);
        this.restore = new NotifierRestore(
                        signer instanceof RefreshingSigner r ? r : null,
                        webhooks::reseed,
                        () -> new java.security.SecureRandom().nextLong(),
                        log)
                .register();
        // what one record can take at worst: every try timing out plus the longest waits, and a margin for the DLQ
        Duration worstCase = config.timeout()
                .plus(config.retryAfterCap())
                .multipliedBy(config.maxAttempts())
                .plusSeconds(2);
        this.notifier = new StreamNotifier(
                webhooks,
                new SqsDeadLetters(sqs, config.dlqUrl()),
                new ContractValidator(mapper),
                mapper,
                clock,
                log,
                worstCase,
                Executors.newFixedThreadPool(PARALLEL_SENDS, r -> {
                    Thread t = new Thread(r, "webhook-send");
                    t.setDaemon(true);
                    return t;
                }),
                PARALLEL_SENDS);
    }

    /**
     * The signer of the notifier and its redrive: with {@code WEBHOOK_SECRET_ARN} (and no {@code WEBHOOK_SECRET}), the
     * secret's {@code AWSCURRENT} re-read every {@code WEBHOOK_SECRET_REFRESH_SECONDS} (one client, built here); else
     * the fixed {@code WEBHOOK_SECRET}.
     */
    public static Supplier<WebhookSigner> signer(Map<String, String> env, NotifierConfig config, JsonLog log) {
        String plain = env.get("WEBHOOK_SECRET");
        String arn = env.get("WEBHOOK_SECRET_ARN");
        if ((plain == null || plain.isBlank()) && arn != null && !arn.isBlank()) {
            SecretsManagerSecrets store = new SecretsManagerSecrets(
                    software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
                            .httpClient(UrlConnectionHttpClient.create())
                            .build());
            return new RefreshingSigner(
                    arn.strip(), store::read, config.secret(), RefreshingSigner.refresh(env), Clock.systemUTC(), log);
        }
        return fixed(config.secret());
    }

    private static Supplier<WebhookSigner> fixed(dev.cva.contracts.webhook.WebhookSecret secret) {
        WebhookSigner signer = new WebhookSigner(secret);
        return () -> signer;
    }

    /** The SnapStart hook this handler registered (tests call it as Lambda does after a restore). */
    public NotifierRestore restore() {
        return restore;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        StreamNotifier.Outcome outcome = notifier.process(
                event == null ? null : event.getRecords(),
                () -> context == null ? Long.MAX_VALUE : context.getRemainingTimeInMillis(),
                // every line of this invocation carries its AWS request id (a child log: sends run on other threads)
                log.with("awsRequestId", context == null ? null : context.getAwsRequestId()));
        List<StreamsEventResponse.BatchItemFailure> failures = outcome.retryFromSequenceNumber() == null
                ? List.of()
                : List.of(StreamsEventResponse.BatchItemFailure.builder()
                        .withItemIdentifier(outcome.retryFromSequenceNumber())
                        .build());
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }
}
