package dev.cva.cli.deploy;

import dev.cva.cli.CvaContext;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cva rollback}: all traffic back to an earlier revision, without a rebuild. */
@Command(
        name = "rollback",
        description = {
            "Send all traffic of a service back to the revision before the live one, or to --to VERSION "
                    + "(a version or a revision id). Instant: nothing is rebuilt.",
            "Exit 0 rolled back, 4 nothing to roll back to, 2 unknown service or version."
        })
public final class RollbackCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SERVICE", description = "The service (from cva.yaml).")
    String service;

    @Option(
            names = "--to",
            paramLabel = "VERSION",
            description = "A version (1.2.0) or a revision id (Lambda version, Cloud Run revision).")
    String to;

    private final CvaContext ctx;

    RollbackCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        dev.cva.cli.env.Confirmation.cloudChange(ctx, "roll back " + service);
        DeployResult r = new DeployAudit(ctx)
                .run("rollback", service, () -> DeployTargets.service(ctx).rollback(service, to));
        DeployView.render(ctx, List.of(r), false);
        return 0;
    }
}
