package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Resolves the receiver URL: {@code --url}, else each {@link ReceiverEndpointResolver} in order. */
public final class ReceiverEndpoints {
    private final List<ReceiverEndpointResolver> resolvers;

    public ReceiverEndpoints(List<ReceiverEndpointResolver> resolvers) {
        this.resolvers = List.copyOf(resolvers);
    }

    /**
     * The order cva uses: {@code --url}, then a {@code CVA_WEBHOOK_URL}/{@code CVA_GCP_RECEIVER_URL} variable, then
     * (for {@code --env local}) the running local stack's state file, then cva.yaml.
     */
    public static ReceiverEndpoints defaults() {
        return new ReceiverEndpoints(List.of(
                new SettingsEndpointResolver(EnumSet.of(Settings.Source.FLAG, Settings.Source.ENV)),
                new LocalStateEndpointResolver(),
                new SettingsEndpointResolver(EnumSet.of(Settings.Source.FILE, Settings.Source.DEFAULT))));
    }

    public URI resolve(CvaContext ctx, String flagUrl) {
        if (flagUrl != null && !flagUrl.isBlank()) {
            return parse(flagUrl, "--url");
        }
        for (ReceiverEndpointResolver r : resolvers) {
            Optional<URI> url = r.receiverUrl(ctx);
            if (url.isPresent()) {
                return url.get();
            }
        }
        String where = resolvers.stream()
                .map(r -> r.describe(ctx))
                .filter(d -> !d.isBlank())
                .distinct()
                .collect(Collectors.joining("; or "));
        throw CvaException.usage(
                "no receiver URL for environment '" + ctx.environmentName() + "'", "pass --url, or set " + where);
    }

    static URI parse(String value, String origin) {
        try {
            URI uri = new URI(value.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an absolute http(s) URL");
            }
            return uri.getPath() == null || uri.getPath().isEmpty() ? uri.resolve("/") : uri;
        } catch (URISyntaxException e) {
            throw CvaException.usage(
                    origin + ": '" + value + "' is not an http(s) URL", "for example http://127.0.0.1:8080/");
        }
    }

    /** True for 127.0.0.0/8, ::1 and localhost: the targets a load test may hit without --yes. */
    static boolean isLoopback(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }
}
