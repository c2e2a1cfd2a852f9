package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.options.DurationConverter;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where and how {@code send} and {@code load} post signed webhooks: receiver URL, scheme, secret, timeout. */
public class TargetOptions {
    @Option(names = "--url", paramLabel = "URL", description = "The receiver's URL (default: from the environment).")
    String url;

    @Option(
            names = "--scheme",
            paramLabel = "SCHEME",
            defaultValue = "standard",
            description = "Signature headers: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    SchemeChoice scheme;

    @Mixin
    SecretOptions secret;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Connect and response timeout per request (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    RequestFactory requestFactory(CvaContext ctx) {
        return new RequestFactory(WebhookSecrets.current(ctx, secret), scheme.schemes(), ctx.clock());
    }

    URI target(CvaContext ctx) {
        return ReceiverEndpoints.defaults().resolve(ctx, url);
    }

    WebhookClient client() {
        return new WebhookClient(timeout);
    }
}
