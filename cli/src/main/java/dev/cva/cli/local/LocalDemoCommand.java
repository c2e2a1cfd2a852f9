package dev.cva.cli.local;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.events.Demo;
import dev.cva.cli.events.Simulator;
import dev.cva.cli.options.DurationConverter;
import dev.cva.cli.stack.WeeklySchedule;
import dev.cva.cli.stackclient.LocalClients;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.stackclient.StackControl;
import dev.cva.cli.support.ProgressBars;
import dev.cva.cli.support.Table;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva local demo}: the README's first command. */
@Command(
        name = "demo",
        description = {
            "Bring the local stack up (or use the running one), simulate chatbot conversations with early responses, "
                    + "duplicates and poison messages, wait until every valid record is in Firestore, run the weekly "
                    + "report, print a summary, and stop the stack it started (unless --keep). Prints the dashboard's URL.",
            "Exit 0 only if no valid record was lost."
        })
final class LocalDemoCommand implements Callable<Integer> {
    @Option(
            names = "--conversations",
            defaultValue = "200",
            paramLabel = "N",
            description = "Conversations to simulate (default: ${DEFAULT-VALUE}).")
    int conversations;

    @Option(
            names = "--early",
            paramLabel = "N",
            description = "Conversations whose response is sent before the query (default: 5%%, at least 1).")
    Integer early;

    @Option(
            names = "--duplicates",
            paramLabel = "N",
            description = "Conversations with a redelivered event (default: 5%%, at least 1).")
    Integer duplicates;

    @Option(
            names = "--poison",
            defaultValue = "4",
            paramLabel = "N",
            description = "Poison messages: bad JSON and schema violations (default: ${DEFAULT-VALUE}).")
    int poison;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_SECOND",
            description = "Cap the send rate (default: as fast as possible).")
    Double rate;

    @Option(
            names = "--timeout",
            defaultValue = "2m",
            paramLabel = DurationConverter.LABEL,
            converter = DurationConverter.class,
            description =
                    "How long to wait for every record to reach Firestore, e.g. 90s or 5m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--seed",
            defaultValue = "42",
            paramLabel = "SEED",
            description =
                    "Random seed of the simulated traffic; the same seed sends the same events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--keep",
            description = "Leave the stack running afterwards (started in the background), to "
                    + "watch the dashboard; 'cva local down' stops it.")
    boolean keep;

    private final CvaContext ctx;

    LocalDemoCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LocalState.requireLocalEnvironment(ctx);
        Simulator.Plan plan = plan();
        LocalState running = LocalState.read(ctx)
                .filter(s -> s.ready() && s.supervisorAlive())
                .orElse(null);
        StackControl control = new StackControl(ctx.projectRoot());
        // a stack the demo starts runs in a supervisor of its own, as 'cva local up --detach' starts it: that JVM
        // starts from the supervisor's trained AOT cache, and the demo's sender does not share its cores' JIT with it
        // (measured on a fresh stack: p95 5.1-5.6 s in this JVM, 2.9-3.8 s detached); without --keep it stops after
        boolean stopAfter = false;
        Thread hook = null;
        if (running == null) {
            ctx.info("starting the local stack in the background…");
            List<String> args = LocalStacks.configArgs(ctx);
            if (!keep) {
                stopAfter = true;
                // also on Ctrl-C or a kill of this JVM (the supervisor is in its process group and stops on Ctrl-C)
                hook = new Thread(control::down, "cva-local-demo-down");
                Runtime.getRuntime().addShutdownHook(hook);
            }
            running = control.detach(args, ctx.env(), Duration.ofMinutes(6));
            LocalStacks.printStartTimes(ctx);
        } else {
            ctx.info("using the running local stack (pid " + running.supervisorPid() + ")");
        }
        String dashboard = running.url("dashboard");
        if (dashboard != null) {
            ctx.info("dashboard: " + dashboard + " (open it to watch the demo live)");
        }
        Demo.Summary summary;
        try {
            try (LocalClients clients = new LocalClients(running, LocalCredentials.read(ctx.projectRoot()));
                    ProgressBar bar = ProgressBars.onStderr(ctx, "sending", plan.events())) {
                summary = new Demo(clients, ctx.clock(), WeeklySchedule::isoWeek, ctx::info, ctx::debug)
                        .run(plan, timeout, n -> {
                            if (bar != null) {
                                bar.stepTo(n);
                            }
                        });
            }
            // the summary as soon as it is known, before the stack it started stops (a first run's stop waits for
            // the JVMs' AOT caches to be written); the URL outlives the command unless the demo stops that stack
            render(summary, stopAfter ? null : dashboard);
            ctx.out().flush();
        } finally {
            if (stopAfter) {
                ctx.info("stopping the local stack it started…");
                control.down();
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        if (keep) {
            ctx.info("the local stack keeps running (pid " + running.supervisorPid() + ")"
                    + (dashboard == null ? "" : "; dashboard: " + dashboard) + "; stop it with 'cva local down'");
        }
        return summary.ok() ? ExitCode.OK.code() : ExitCode.FAILURE.code();
    }

    private Simulator.Plan plan() {
        int defaultShare = Math.max(1, conversations / 20);
        try {
            return new Simulator.Plan(
                    conversations,
                    early != null ? early : Math.min(conversations, defaultShare),
                    duplicates != null ? duplicates : Math.min(conversations, defaultShare),
                    poison,
                    rate,
                    seed);
        } catch (IllegalArgumentException e) {
            throw CvaException.usage(e.getMessage(), null);
        }
    }

    private void render(Demo.Summary s, String dashboard) {
        if (ctx.globals().json()) {
            ctx.printJson(s);
            return;
        }
        Table t = new Table("WHAT", "COUNT");
        t.row(
                "conversations (early responses, duplicates)",
                s.conversations() + " (" + s.earlyResponses() + ", " + s.duplicates() + ")");
        t.row("events sent (incl. poison)", s.eventsSent() + " (" + s.poison() + ")");
        t.row("records in DynamoDB", s.dynamoRecords() + " / " + s.validRecordsExpected());
        t.row("records in Firestore", s.firestoreRecords() + " / " + s.validRecordsExpected());
        t.row("messages in the FIFO DLQ", s.dlqMessages());
        t.row("messages in the webhook DLQ", s.webhookDlqMessages());
        t.row(
                "weekly report " + s.reportWeek() + (s.reportStatus() == null ? "" : " (" + s.reportStatus() + ")"),
                s.report());
        t.row(
                "latency event -> Firestore p50 / p95 / max",
                s.latency().p50Ms() + " / " + s.latency().p95Ms() + " / "
                        + s.latency().maxMs() + " ms");
        t.row("throughput end to end", s.eventsPerSecond() + " events/s over " + s.endToEndSeconds() + " s");
        if (dashboard != null) {
            t.row("dashboard", dashboard);
        }
        t.print(ctx.out());
        s.problems().forEach(ctx::warn);
        ctx.info(s.ok() ? ctx.paint("32", "every valid record arrived") : ctx.paint("31", "valid records were lost"));
    }
}
