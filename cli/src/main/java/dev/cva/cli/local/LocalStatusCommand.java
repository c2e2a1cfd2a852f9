package dev.cva.cli.local;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.options.DurationConverter;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.stackclient.StackControl;
import dev.cva.cli.support.Table;
import dev.cva.cli.top.TopCommand;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva local status}: each part with its endpoint and health. */
@Command(
        name = "status",
        description =
                "Show each part of the local stack with its endpoint and health. "
                        + "Exit 1 when the stack is not running or a part is unhealthy. With --watch, the live view of 'cva top' instead.")
final class LocalStatusCommand implements Callable<Integer> {
    @Option(
            names = "--watch",
            paramLabel = DurationConverter.LABEL,
            arity = "0..1",
            fallbackValue = "2s",
            converter = DurationConverter.class,
            description =
                    "Show what the stack does, live, every DURATION "
                            + "(--watch alone: every 2s) until Ctrl-C: the view of 'cva top' (one snapshot without a terminal).")
    Duration watch;

    private final CvaContext ctx;

    LocalStatusCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LocalState.requireLocalEnvironment(ctx);
        if (watch != null) {
            return TopCommand.show(ctx, watch, false);
        }
        StackControl.Status s = new StackControl(ctx.projectRoot()).status();
        if (ctx.globals().json()) {
            ctx.printJson(s);
        } else if (s.running()) {
            Table t = new Table("PART", "ENDPOINT", "PID", "HEALTH");
            s.parts()
                    .forEach(p -> t.row(
                            p.name(),
                            p.url(),
                            p.pid() == 0 ? "(cva)" : p.pid(),
                            p.healthy() ? ctx.paint("32", "ok") : ctx.paint("31", "DOWN")));
            t.print(ctx.out());
        }
        if (!s.running()) {
            ctx.info("the local stack is not running; start it with 'cva local up --detach' or 'cva local demo'");
            return ExitCode.FAILURE.code();
        }
        return s.healthy() ? ExitCode.OK.code() : ExitCode.FAILURE.code();
    }
}
