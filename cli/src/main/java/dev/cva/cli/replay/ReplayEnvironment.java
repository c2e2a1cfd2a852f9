package dev.cva.cli.replay;

import dev.cva.cli.Cva;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.config.Settings;
import dev.cva.cli.local.LocalCredentials;
import dev.cva.cli.local.LocalState;
import dev.cva.cli.webhook.ReceiverEndpoints;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.replay.AwsSqsPort;
import dev.cva.replay.SqsPort;
import dev.cva.replay.Target;
import dev.cva.replay.WebhookTarget;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a replay runs: {@code --env local} uses the running local stack (its state file gives the SQS endpoint and
 * the DLQ URLs); any other environment uses real SQS through the default credential chain, in {@code aws.region},
 * with no endpoint override (the SDK honours {@code AWS_ENDPOINT_URL_SQS} and {@code AWS_ENDPOINT_URL}).
 */
final class ReplayEnvironment implements AutoCloseable {
    static final String PROCESSOR = "processor";
    static final String WEBHOOK = "webhook";

    private final CvaContext ctx;
    private final SqsPort sqs;
    private final ReplayService service;

    private ReplayEnvironment(CvaContext ctx, SqsPort sqs, Map<String, String> aliases) {
        this.ctx = ctx;
        this.sqs = sqs;
        this.service = new ReplayService(sqs, aliases, ctx.settings().get("aws.webhookDlq"), ctx.clock());
    }

    static ReplayEnvironment open(CvaContext ctx) {
        Settings s = ctx.settings();
        Map<String, String> aliases = new LinkedHashMap<>();
        if (CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            LocalState state = LocalState.require(ctx);
            String region = state.resource("region") != null ? state.resource("region") : s.require("aws.region");
            put(aliases, PROCESSOR, state.resource("dlqUrl"), s.get("aws.dlq"));
            put(aliases, WEBHOOK, state.resource("webhookDlqUrl"), s.get("aws.webhookDlq"));
            var keys = LocalCredentials.read(ctx.projectRoot());
            return new ReplayEnvironment(ctx, AwsSqsPort.forEmulator(state.url("sqs"), region, keys.accessKeyId(),
                    keys.secretAccessKey()), aliases);
        }
        put(aliases, PROCESSOR, null, s.get("aws.dlq"));
        put(aliases, WEBHOOK, null, s.get("aws.webhookDlq"));
        return new ReplayEnvironment(ctx, AwsSqsPort.forRegion(s.require("aws.region")), aliases);
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
        if (configured == null || configured.value() == null || configured.value().isBlank()) {
            throw CvaException.usage("no webhook secret configured for environment '" + ctx.environmentName() + "'",
                    "set " + Settings.envVarFor("webhook.secret"));
        }
        WebhookSecret secret;
        try {
            secret = WebhookSecret.parse(configured.value());
        } catch (IllegalArgumentException e) {
            throw CvaException.usage("the webhook secret from " + configured.origin() + " is invalid: " + e.getMessage(), null);
        }
        return new WebhookTarget(receiver, secret, ctx.clock(), Duration.ofSeconds(10), "cva/" + Cva.BuildVersion.version());
    }

    @Override
    public void close() {
        sqs.close();
    }
}
