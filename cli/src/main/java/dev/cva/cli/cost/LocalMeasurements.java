package dev.cva.cli.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stackclient.ControlClient;
import dev.cva.cli.stackclient.LocalState;

/** The running local stack's counts ({@code GET /metrics} on its control channel). */
final class LocalMeasurements {
    private LocalMeasurements() {}

    /** @param otherwise the hint's second way, after starting a stack */
    static JsonNode read(CvaContext ctx, String otherwise) {
        LocalState state = LocalState.read(ctx)
                .filter(s -> s.ready() && s.supervisorAlive())
                .orElseThrow(() -> new CvaException(
                        ExitCode.FAILURE,
                        "no local stack is running, so there are no " + "measured counts to price",
                        "start one with 'cva local up --detach' and send events, or " + otherwise));
        return ControlClient.of(state, ctx.projectRoot()).get("/metrics");
    }

    /**
     * The measured model of the running stack: exit 1 when none runs or it processed no events yet (there is
     * nothing to divide by).
     */
    static MeasuredModel model(
            CvaContext ctx, CostConfig config, PriceBook book, UsageModel callModel, String otherwise) {
        Integer receiverMb = config.memoryMb().get("receiver");
        try {
            return new MeasuredModel(
                    callModel,
                    book,
                    MeasuredModel.Counts.from(read(ctx, otherwise)),
                    book.param("receiverVcpu"),
                    receiverMb == null ? 512 : receiverMb);
        } catch (IllegalStateException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    e.getMessage() + ": nothing to divide by",
                    "send some first, e.g. 'cva local demo --conversations 100', then run this again");
        }
    }
}
