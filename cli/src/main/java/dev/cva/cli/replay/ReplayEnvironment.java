package dev.cva.cli.replay;

import dev.cva.cli.Cva;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.config.Settings;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.webhook.ReceiverEndpoints;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.local.LocalAws;
import dev.cva.replay.AwsSqsPort;
import dev.cva.replay.SqsPort;
import dev.cva.replay.Target;
import dev.cva.replay.WebhookTarget;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Where a replay runs: {@code --env local} uses the running local stack (its state file gives the SQS endpoint and
 * the DLQ URLs); any other environment uses real SQS through the default credential chain, in {@code aws.region},
 * with no endpoint override (the SDK honours {@code AWS_ENDPOINT_URL_SQS} and {@code AWS_ENDPOINT_URL}).
 */
final class ReplayEnvironment implements AutoCloseable {
    static final String PROCESSOR = "processor";
    static final String WEBHOOK = "webhook";
    /** The notifier stream mapping's on-failure destination: skipped stream ranges, not messages. */
    static final String STREAM_FAILURES = "stream-failures";

    private final CvaContext ctx;
    private final SqsPort sqs;
    private final ReplayService service;
    private final LocalState local;
    private final java.util.List<AutoCloseable> clients = new java.util.ArrayList<>();

    private ReplayEnvironment(CvaContext ctx, SqsPort sqs, Map<String, String> aliases, LocalState local) {
        this.ctx = ctx;
        this.local = local;
        this.sqs = sqs;
        this.service = new ReplayService(
                sqs,
                aliases,
                ctx.settings().get("aws.webhookDlq"),
                ctx.settings().get("aws.streamFailureDlq"),
                ctx.clock());
    }

    static ReplayEnvironment open(CvaContext ctx) {
        Settings s = ctx.settings();
        Map<String, String> aliases = new LinkedHashMap<>();
        if (CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            LocalState state = LocalState.require(ctx);
            String region = state.resource("region") != null ? state.resource("region") : s.require("aws.region");
            put(aliases, PROCESSOR, state.resource("dlqUrl"), s.get("aws.dlq"));
            put(aliases, WEBHOOK, state.resource("webhookDlqUrl"), s.get("aws.webhookDlq"));
            put(aliases, STREAM_FAILURES, state.resource("streamFailureDlqUrl"), s.get("aws.streamFailureDlq"));
            var keys = LocalCredentials.read(ctx.projectRoot());
            return new ReplayEnvironment(
                    ctx,
                    AwsSqsPort.forEmulator(state.url("sqs"), region, keys.accessKeyId(), keys.secretAccessKey()),
                    aliases,
                    state);
        }
        put(aliases, PROCESSOR, null, s.get("aws.dlq"));
        put(aliases, WEBHOOK, null, s.get("aws.webhookDlq"));
        put(aliases, STREAM_FAILURES, null, s.get("aws.streamFailureDlq"));
        return new ReplayEnvironment(ctx, AwsSqsPort.forRegion(s.require("aws.region")), aliases, null);
    }

    private static void put(Map<String, String> aliases, String alias, String url, String name) {
        if (url != null && !url.isBlank()) {
            aliases.put(alias, url);
        } else if (name != null && !name.isBlank()) {
            aliases.put(alias, name);
        }
    }

    ReplayService service() {
        return service;
    }

    /** The receiver of this environment, signing with the current {@code webhook.secret} in both schemes. */
    Target webhookTarget() {
        URI receiver = ReceiverEndpoints.defaults().resolve(ctx, null);
        Settings.Setting configured = ctx.settings().all().get("webhook.secret");
        if (configured == null
                || configured.value() == null
                || configured.value().isBlank()) {
            throw CvaException.usage(
                    "no webhook secret configured for environment '" + ctx.environmentName() + "'",
                    "set " + Settings.envVarFor("webhook.secret"));
        }
        WebhookSecret secret;
        try {
            secret = WebhookSecret.parse(configured.value());
        } catch (IllegalArgumentException e) {
            throw CvaException.usage(
                    "the webhook secret from " + configured.origin() + " is invalid: " + e.getMessage(), null);
        }
        return new WebhookTarget(
                receiver, secret, ctx.clock(), Duration.ofSeconds(10), "cva/" + Cva.BuildVersion.version());
    }

    /**
     * Re-runs of the stream mapping's skipped batches: the analytics stream (moto's locally, DynamoDB Streams in
     * {@code aws.region} otherwise) and the notifier's live alias (the local Lambda endpoint, or Lambda Invoke).
     */
    StreamBatchReplay streamReplay() {
        Settings s = ctx.settings();
        String project = s.config().project() == null || s.config().project().isBlank()
                ? "cv-analytics"
                : s.config().project();
        String function = project + "-notifier";
        DynamoDbStreamsClient streams;
        LambdaClient lambda;
        String region;
        if (local != null) {
            region = local.resource("region") != null ? local.resource("region") : s.require("aws.region");
            String dynamo = local.url("dynamodb");
            String invoke = local.url("lambda");
            if (dynamo == null || invoke == null) {
                throw new CvaException(
                        dev.cva.cli.ExitCode.FAILURE,
                        "the local stack lists no " + (dynamo == null ? "dynamodb" : "lambda") + " part",
                        "see 'cva local status'");
            }
            // the stack's administrator keys, as for its SQS: moto refuses keys the stack did not issue
            var keys = LocalCredentials.read(ctx.projectRoot());
            streams = LocalAws.streams(URI.create(dynamo), region, keys.provider());
            lambda = LambdaClient.builder()
                    .endpointOverride(URI.create(invoke))
                    .region(Region.of(region))
                    .credentialsProvider(keys.provider())
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
        } else {
            region = s.require("aws.region");
            streams = DynamoDbStreamsClient.builder()
                    .region(Region.of(region))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
            lambda = LambdaClient.builder()
                    .region(Region.of(region))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
        }
        clients.add(streams);
        clients.add(lambda);
        StreamBatchReplay.Notifier notifier = new StreamBatchReplay.Notifier() {
            @Override
            public String describe() {
                return function + ":" + dev.cva.cli.deploy.DeployTarget.LIVE;
            }

            @Override
            public Answer invoke(String payload) {
                InvokeResponse r = lambda.invoke(b -> b.functionName(function)
                        .qualifier(dev.cva.cli.deploy.DeployTarget.LIVE)
                        .payload(SdkBytes.fromUtf8String(payload)));
                return new Answer(
                        r.functionError(),
                        r.payload() == null ? null : r.payload().asUtf8String());
            }
        };
        return new StreamBatchReplay(sqs, streams, notifier, region, ctx.clock());
    }

    @Override
    public void close() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing an SDK client does not fail in a way worth reporting
            }
        }
        sqs.close();
    }
}
