package dev.cva.cli.events;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stackclient.LocalClients;

/** Simulated chatbot traffic on the running local stack, for commands outside this package (the DR drill). */
public final class LocalTraffic {
    private LocalTraffic() {}

    /** Sends {@code conversations} query/response pairs (no early, duplicate or poison ones); the events sent. */
    public static int simulate(CvaContext ctx, int conversations, long seed) {
        try (LocalClients clients = LocalClients.running(ctx)) {
            Simulator.Result r = new Simulator(EventSender.of(clients))
                    .run(new Simulator.Plan(conversations, 0, 0, 0, null, seed), n -> {});
            if (!r.failed().isEmpty()) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        r.failed().size() + " events were not sent: "
                                + r.failed().get(0),
                        null);
            }
            return r.eventsSent();
        }
    }
}
