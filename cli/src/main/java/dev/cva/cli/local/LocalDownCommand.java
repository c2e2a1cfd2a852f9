package dev.cva.cli.local;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.stackclient.StackControl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code cva local down}: stop a running local stack and everything it started. */
@Command(
        name = "down",
        description = "Stop the local stack: every process it started, verified by its ports. "
                + "Exit 4 when nothing was running.")
final class LocalDownCommand implements Callable<Integer> {
    private final CvaContext ctx;

    LocalDownCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LocalState.requireLocalEnvironment(ctx);
        StackControl.Down down = new StackControl(ctx.projectRoot()).down();
        if (ctx.globals().json()) {
            ctx.printJson(down);
        } else {
            down.stopped().forEach(s -> ctx.out().println("stopped " + s));
            ctx.out().flush();
        }
        if (!down.portsStillBusy().isEmpty()) {
            ctx.warn("ports still in use: " + down.portsStillBusy());
            return ExitCode.FAILURE.code();
        }
        if (!down.wasRunning() && down.stopped().isEmpty()) {
            ctx.info("no local stack was running");
            return ExitCode.NOTHING_TO_DO.code();
        }
        ctx.info("the local stack is stopped");
        return ExitCode.OK.code();
    }
}
