package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.config.Settings;
import java.net.URI;
import java.util.Optional;

/** The receiver URL from the environment's settings: {@code webhook.url}, else {@code gcp.receiverUrl}. */
public final class SettingsEndpointResolver implements ReceiverEndpointResolver {
    static final String WEBHOOK_URL = "webhook.url";
    static final String RECEIVER_URL = "gcp.receiverUrl";

    @Override
    public Optional<URI> receiverUrl(CvaContext ctx) {
        String url = ctx.settings().get(WEBHOOK_URL);
        if (url == null || url.isBlank()) {
            url = ctx.settings().get(RECEIVER_URL);
        }
        return url == null || url.isBlank() ? Optional.empty() : Optional.of(ReceiverEndpoints.parse(url, WEBHOOK_URL));
    }

    @Override
    public String describe(CvaContext ctx) {
        String env = ctx.environmentName();
        return Settings.envVarFor(WEBHOOK_URL) + ", environments." + env + "." + WEBHOOK_URL + " or environments."
                + env + "." + RECEIVER_URL + " in cva.yaml";
    }
}
