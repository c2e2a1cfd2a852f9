package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import java.net.URI;
import java.util.Optional;

/**
 * Where the receiver of the selected environment listens, when {@code --url} is not given. Implementations are
 * asked in order by {@link ReceiverEndpoints}; each answers empty when its source does not know the URL.
 * The settings-based one ({@link SettingsEndpointResolver}) reads {@code webhook.url}, then {@code gcp.receiverUrl};
 * a resolver that reads the running local stack's state file goes in front of it for {@code --env local}.
 */
public interface ReceiverEndpointResolver {

    /** The receiver's URL for {@code ctx}'s environment, or empty when this source does not know it. */
    Optional<URI> receiverUrl(CvaContext ctx);

    /** Where this resolver looks, for the hint when no resolver knows the URL ("webhook.url in cva.yaml"). */
    String describe(CvaContext ctx);
}
