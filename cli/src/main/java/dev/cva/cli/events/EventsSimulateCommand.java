package dev.cva.cli.events;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stackclient.LocalClients;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.support.ProgressBars;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva events simulate}: realistic traffic on the local queue. */
@Command(name = "simulate", description = "Simulate chatbot conversations (query + response each) on the local queue.")
final class EventsSimulateCommand implements Callable<Integer> {
    @Option(
            names = "--conversations",
            defaultValue = "10",
            paramLabel = "N",
            description = "Conversations (default: ${DEFAULT-VALUE}).")
    int conversations;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_SECOND", description = "Cap the send rate.")
    Double rate;

    @Option(
            names = "--early",
            defaultValue = "0",
            paramLabel = "N",
            description = "Conversations whose response is sent before the query (default: ${DEFAULT-VALUE}).")
    int early;

    @Option(
            names = "--duplicates",
            defaultValue = "0",
            paramLabel = "N",
            description = "Conversations with a redelivered event (default: ${DEFAULT-VALUE}).")
    int duplicates;

    @Option(
            names = "--poison",
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "Poison messages: bad JSON and schema violations; they end in the DLQ (default: ${DEFAULT-VALUE}).")
    int poison;

    @Option(
            names = "--seed",
            defaultValue = "42",
            paramLabel = "SEED",
            description =
                    "Random seed of the simulated traffic; the same seed sends the same events (default: ${DEFAULT-VALUE}).")
    long seed;

    record Sent(
            int eventsSent, int notSent, int conversations, int early, int duplicates, int poison, double seconds) {}

    private final CvaContext ctx;

    EventsSimulateCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LocalState.requireLocalEnvironment(ctx);
        Simulator.Plan plan;
        try {
            plan = new Simulator.Plan(conversations, early, duplicates, poison, rate, seed);
        } catch (IllegalArgumentException e) {
            throw CvaException.usage(e.getMessage(), null);
        }
        Simulator.Result r;
        try (LocalClients clients = LocalClients.running(ctx);
                ProgressBar bar = ProgressBars.onStderr(ctx, "sending", plan.events())) {
            r = new Simulator(EventSender.of(clients)).run(plan, n -> {
                if (bar != null) {
                    bar.stepTo(n);
                }
            });
        }
        Sent sent = new Sent(
                r.eventsSent(),
                r.failed().size(),
                r.conversations(),
                r.early(),
                r.duplicates(),
                r.poison(),
                (r.finishedAt() - r.startedAt()) / 1000.0);
        if (ctx.globals().json()) {
            ctx.printJson(sent);
        } else {
            ctx.out()
                    .println("sent " + sent.eventsSent() + " events (" + sent.conversations() + " conversations) in "
                            + sent.seconds() + " s"
                            + (sent.notSent() > 0 ? "; " + sent.notSent() + " not accepted by SQS" : ""));
            ctx.out().flush();
        }
        if (!r.failed().isEmpty()) {
            r.failed().stream().limit(5).forEach(f -> ctx.warn("not sent: " + f));
            return ExitCode.PARTIAL.code();
        }
        return ExitCode.OK.code();
    }
}
