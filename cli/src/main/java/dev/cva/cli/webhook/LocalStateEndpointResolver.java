package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.stackclient.LocalState;
import java.net.URI;
import java.util.Optional;

/** For {@code --env local}: the receiver of the running local stack, from the state file {@code cva local up} writes. */
public final class LocalStateEndpointResolver implements ReceiverEndpointResolver {
    static final String RECEIVER = "receiver";

    @Override
    public Optional<URI> receiverUrl(CvaContext ctx) {
        if (!CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            return Optional.empty();
        }
        return LocalState.read(ctx)
                .filter(s -> s.ready() && s.supervisorAlive())
                .map(s -> s.url(RECEIVER))
                .filter(url -> !url.isBlank())
                .map(url -> ReceiverEndpoints.parse(
                        url, LocalState.file(ctx.projectRoot()).toString()));
    }

    @Override
    public String describe(CvaContext ctx) {
        return CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())
                ? "start the local stack with 'cva local up'"
                : "";
    }
}
