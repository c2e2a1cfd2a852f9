package dev.cva.cli.local;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.support.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code cva local status}: each part with its endpoint and health. */
@Command(name = "status", description = "Show each part of the local stack with its endpoint and health. "
        + "Exit 1 when the stack is not running or a part is unhealthy.")
final class LocalStatusCommand implements Callable<Integer> {
    private final CvaContext ctx;

    LocalStatusCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LocalCommand.requireLocal(ctx);
        StackControl.Status s = new StackControl(ctx.projectRoot()).status();
        if (ctx.globals().json()) {
            ctx.printJson(s);
        } else if (s.running()) {
            Table t = new Table("PART", "ENDPOINT", "PID", "HEALTH");
            s.parts().forEach(p -> t.row(p.name(), p.url(), p.pid() == 0 ? "(cva)" : p.pid(),
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
