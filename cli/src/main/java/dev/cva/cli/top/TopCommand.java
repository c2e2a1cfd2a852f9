package dev.cva.cli.top;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.options.DurationConverter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva top}: the pipeline's figures, refreshed live on a terminal; one snapshot otherwise. */
@Command(
        name = "top",
        description = {
            "Show the pipeline live: per part (processor, notifier, receiver) events a second in, out and "
                    + "in error, the depth of each queue (events, its DLQ, the webhook DLQ, the stream-failure DLQ), the "
                    + "notifier's breaker and p50/p95 latencies.",
            "On local, the last minute of the running stack (its services' logs and ElasticMQ); on a cloud "
                    + "environment, the last 5 minutes of CloudWatch (queues, functions, the stream's IteratorAge) and "
                    + "Cloud Monitoring (the receiver), refreshed at most once a minute.",
            "On a terminal it redraws every --interval until Ctrl-C; with --once, --json or no terminal it prints "
                    + "one snapshot and exits."
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0    a snapshot was printed",
            "  1    no local stack runs, or a metrics call failed",
            "  2    bad usage (an --interval that is not a positive duration)",
            "  130  the live view was ended by Ctrl-C"
        })
public final class TopCommand implements Callable<Integer> {
    @Option(
            names = "--interval",
            paramLabel = DurationConverter.LABEL,
            converter = DurationConverter.class,
            defaultValue = "2s",
            description = "Time between frames of the live view (default: ${DEFAULT-VALUE}; on a "
                    + "cloud environment at least 1m, the metrics' resolution).")
    Duration interval;

    @Option(names = "--once", description = "Print one snapshot and exit, even on a terminal.")
    boolean once;

    private final CvaContext ctx;

    TopCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return show(ctx, interval, once);
    }

    /**
     * The view of {@code ctx}'s environment: live every {@code interval} on a terminal, else (or with {@code once},
     * or --json) one snapshot. {@code cva local status --watch} comes here too.
     */
    public static int show(CvaContext ctx, Duration interval, boolean once) {
        if (interval.isNegative() || interval.isZero()) {
            throw CvaException.usage(
                    "the interval between frames must be a positive duration, not " + text(interval),
                    "e.g. 2s or 500ms");
        }
        boolean local = CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName());
        try (TopSource source = local ? new LocalTopSource(ctx) : CloudTopSource.of(ctx)) {
            boolean live = !once
                    && !ctx.globals().json()
                    && ctx.terminal()
                    && !"dumb".equals(ctx.env().get("TERM"));
            if (!live) {
                TopSnapshot s = source.read();
                if (ctx.globals().json()) {
                    ctx.printJson(s);
                } else {
                    ctx.out().print(TopView.render(s, ctx::paint, null));
                    ctx.out().flush();
                }
                return ExitCode.OK.code();
            }
            Duration every = interval.compareTo(source.resolution()) < 0 ? source.resolution() : interval;
            if (!every.equals(interval)) {
                ctx.info("refreshing every " + text(every) + ": the metrics do not change faster");
            }
            // Ctrl-C ends the JVM (exit 130): put the cursor back on the way out
            Thread restore = new Thread(() -> {
                ctx.out().print(TopLoop.SHOW_CURSOR + "\n");
                ctx.out().flush();
            });
            Runtime.getRuntime().addShutdownHook(restore);
            try {
                TopLoop.run(
                        source,
                        ctx.out(),
                        every,
                        ctx::paint,
                        "every " + text(every) + " · Ctrl-C ends",
                        () -> true,
                        d -> Thread.sleep(d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCode.INTERRUPTED.code();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(restore);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs: nothing to undo
                }
            }
            return ExitCode.OK.code();
        }
    }

    static String text(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 != 0 ? ms + " ms" : ms / 1000 + " s";
    }
}
