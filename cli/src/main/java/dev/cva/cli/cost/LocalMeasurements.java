package dev.cva.cli.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.local.ControlClient;
import dev.cva.cli.local.LocalState;

/** The running local stack's counts ({@code GET /metrics} on its control channel). */
final class LocalMeasurements {
    private LocalMeasurements() {}

    static JsonNode read(CvaContext ctx) {
        LocalState state = LocalState.read(ctx).filter(s -> s.ready() && s.supervisorAlive())
                .orElseThrow(() -> new CvaException(ExitCode.FAILURE, "no local stack is running, so there are no "
                        + "measured counts to price", "start one with 'cva local up --detach' and send events, or drop "
                        + "--env local to price the price book's call model"));
        return ControlClient.of(state, ctx.projectRoot()).get("/metrics");
    }
}
