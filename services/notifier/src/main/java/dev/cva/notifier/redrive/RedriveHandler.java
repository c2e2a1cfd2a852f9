package dev.cva.notifier.redrive;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.notifier.NotifierConfig;
import dev.cva.notifier.aws.SecretsManagerSecrets;
import dev.cva.replay.AwsSqsPort;
import dev.cva.replay.SqsPort;
import dev.cva.replay.Target;
import dev.cva.replay.WebhookTarget;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The self-healing half of the notifier: a scheduled Lambda (EventBridge Scheduler in production, the local stack's
 * scheduler locally) that drains the webhook DLQ back to the receiver with the engine of {@code cva replay-dlq}:
 * re-signed, deleted only on 2xx, at most {@code REDRIVE_MAX_PER_SECOND}, and stopping at the first transient
 * failure (a new outage is not flooded). Records dead-lettered as permanent (a contract violation, a 4xx other than
 * 408/429) stay for a person. Each run logs one JSON line ({@code "event":"redrive"}) with what it moved.
 *
 * <p>Environment: as {@link dev.cva.notifier.NotifierHandler} ({@code WEBHOOK_URL}, {@code WEBHOOK_SECRET} or
 * {@code WEBHOOK_SECRET_ARN}, {@code WEBHOOK_DLQ_URL}, {@code AWS_REGION}) plus {@code REDRIVE_MAX_PER_SECOND} (20).
 */
public class RedriveHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final Redrive redrive;
    /** SnapStart's restore hook: the secret is re-read before the first send (no jitter here: sends are paced). */
    private final dev.cva.notifier.NotifierRestore restore;

    /** For the Lambda runtime: everything from the environment. */
    public RedriveHandler() {
        this(System.getenv(), new JsonLog("notifier-redrive"));
    }

    RedriveHandler(Map<String, String> env, JsonLog log) {
        NotifierConfig config = NotifierConfig.fromEnv(env, SecretsManagerSecrets::readOnce);
        SqsPort sqs = new AwsSqsPort(SqsClient.builder()
                .region(Region.of(config.region()))
                .httpClient(UrlConnectionHttpClient.create())
                .build());
        var signer = dev.cva.notifier.NotifierHandler.signer(env, config, log);
        Target receiver = new WebhookTarget(
                config.webhookUrl(), signer, Clock.systemUTC(), config.timeout(), "cv-analytics-notifier-redrive");
        this.restore = new dev.cva.notifier.NotifierRestore(
                        signer instanceof dev.cva.notifier.RefreshingSigner r ? r : null, seed -> {}, () -> 0L, log)
                .register();
        this.redrive = new Redrive(sqs, config.dlqUrl(), receiver, Redrive.maxPerSecond(env), log, Clock.systemUTC());
    }

    /** For tests: a ready {@link Redrive}. */
    public RedriveHandler(Redrive redrive) {
        this.redrive = redrive;
        this.restore = null;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> scheduledEvent, Context context) {
        long remaining = context == null ? 60_000 : context.getRemainingTimeInMillis();
        return redrive.run(
                        remaining,
                        redrive.log().with("awsRequestId", context == null ? null : context.getAwsRequestId()))
                .asMap();
    }
}
