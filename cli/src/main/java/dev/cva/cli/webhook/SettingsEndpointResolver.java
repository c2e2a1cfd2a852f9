package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.config.Settings;
import java.net.URI;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The receiver URL from the environment's settings: {@code webhook.url}, else {@code gcp.receiverUrl}, taking only
 * values from the given layers (so a {@code CVA_*} variable can rank above the local stack's state file, and
 * cva.yaml below it).
 */
public final class SettingsEndpointResolver implements ReceiverEndpointResolver {
    static final String WEBHOOK_URL = "webhook.url";
    static final String RECEIVER_URL = "gcp.receiverUrl";

    private final Set<Settings.Source> sources;

    public SettingsEndpointResolver() {
        this(EnumSet.allOf(Settings.Source.class));
    }

    public SettingsEndpointResolver(Set<Settings.Source> sources) {
        this.sources = EnumSet.copyOf(sources);
    }

    @Override
    public Optional<URI> receiverUrl(CvaContext ctx) {
        for (String key : new String[] {WEBHOOK_URL, RECEIVER_URL}) {
            Settings.Setting s = ctx.settings().all().get(key);
            if (s != null
                    && sources.contains(s.source())
                    && s.value() != null
                    && !s.value().isBlank()) {
                return Optional.of(ReceiverEndpoints.parse(s.value(), s.origin()));
            }
        }
        return Optional.empty();
    }

    @Override
    public String describe(CvaContext ctx) {
        String env = ctx.environmentName();
        return Settings.envVarFor(WEBHOOK_URL) + ", environments." + env + "." + WEBHOOK_URL + " or environments." + env
                + "." + RECEIVER_URL + " in cva.yaml";
    }
}
