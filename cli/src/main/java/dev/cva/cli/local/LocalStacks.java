package dev.cva.cli.local;

import dev.cva.cli.CvaContext;
import dev.cva.cli.stack.LocalStack;
import dev.cva.cli.stack.Runtimes;
import dev.cva.cli.stack.StartTimes;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.stackclient.StackControl;
import dev.cva.cli.support.ProgressBars;
import dev.cva.cli.support.Table;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;

/** Shared glue of the local commands: starting a stack from a context with a progress bar, and the endpoints table. */
final class LocalStacks {
    private LocalStacks() {}

    /** @param iam whether moto enforces IAM (the default; {@code --no-iam} turns it off) */
    static LocalStack start(CvaContext ctx, boolean iam) {
        LocalStack.Env env = new LocalStack.Env(
                ctx.projectRoot(),
                ctx.home(),
                ctx.env(),
                ctx.clock(),
                Runtimes.locate(ctx.env(), ctx.projectRoot()),
                iam);
        LocalStack.Config config = LocalStack.Config.from(ctx.settings());
        try (ProgressBar bar = ProgressBars.onStderr(ctx, "cva local up", LocalStack.STEPS.size())) {
            Consumer<String> step = s -> {
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(s);
                } else {
                    ctx.debug("local: " + s + " ready");
                }
            };
            // the detached supervisor's log always has the start times; a foreground start prints them with --verbose
            Consumer<String> timing = "1".equals(ctx.env().get(StackControl.SUPERVISOR_ENV))
                    ? line -> ctx.err().println(line)
                    : ctx::debug;
            return LocalStack.start(config, env, step, ctx::info, ctx::warn, timing);
        }
    }

    /** The arguments that hand this command's {@code --config} on to a supervisor started in the background. */
    static java.util.List<String> configArgs(CvaContext ctx) {
        return ctx.globals().config() == null
                ? java.util.List.of()
                : java.util.List.of(
                        "--config", ctx.globals().config().toAbsolutePath().toString());
    }

    /**
     * With {@code --verbose}, the per-part start times a detached supervisor wrote to its log ({@link StartTimes});
     * the detached supervisor always logs them.
     */
    static void printStartTimes(CvaContext ctx) {
        if (!ctx.globals().verbose()) {
            return;
        }
        java.nio.file.Path log = ctx.projectRoot().resolve(StackControl.SUPERVISOR_LOG);
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(log)) {
            lines.filter(l -> l.startsWith(StartTimes.PREFIX)).forEach(ctx::debug);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            ctx.debug("no start times: cannot read " + log + ": " + e.getMessage());
        }
    }

    static void printParts(CvaContext ctx, LocalState s) {
        Table t = new Table("PART", "ENDPOINT", "PID", "WHAT");
        s.parts().values().forEach(p -> t.row(p.name(), p.url(), p.pid() == 0 ? "(cva)" : p.pid(), p.detail()));
        t.print(ctx.out());
    }
}
