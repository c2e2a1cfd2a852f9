package dev.cva.cli.secrets;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.support.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code cva secrets status}: parse, call {@link SecretStatus}, render. */
@Command(
        name = "status",
        description = {
            "The webhook secret of the environment in each cloud: current and previous version, "
                    + "fingerprint, age; whether the clouds agree.",
            "Exit 0 fine, 1 when the clouds disagree, a rotation is unfinished, or the secret is older than "
                    + "secrets.maxAgeDays (90)."
        })
public final class SecretsStatusCommand implements Callable<Integer> {
    private final CvaContext ctx;

    SecretsStatusCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        int maxAge = SecretsEnvironment.maxAgeDays(ctx);
        SecretStatus.Report report;
        try (SecretsEnvironment env = SecretsEnvironment.open(ctx)) {
            report =
                    new SecretStatus(env.receiver(), env.notifier(), ctx.clock()).report(ctx.environmentName(), maxAge);
        }
        if (ctx.globals().json()) {
            ctx.printJson(report);
        } else {
            Table t = new Table("CLOUD", "SECRET", "WHICH", "VERSION", "FINGERPRINT", "AGE");
            for (SecretStatus.Cloud c : report.clouds()) {
                row(t, c, "current", c.current());
                if (c.previous() != null) {
                    row(t, c, "previous", c.previous());
                }
            }
            t.print(ctx.out());
            ctx.out()
                    .println((report.agree() ? "both clouds agree" : "the clouds DISAGREE") + "; age "
                            + report.ageDays() + " of at most " + report.maxAgeDays() + " days");
            ctx.out().flush();
            report.problems().forEach(ctx::warn);
        }
        return report.ok() ? ExitCode.OK.code() : ExitCode.FAILURE.code();
    }

    private static void row(Table t, SecretStatus.Cloud c, String which, SecretStatus.Version v) {
        if (v == null) {
            t.row(c.cloud(), c.secret(), which, "-", "-", "-");
        } else {
            t.row(c.cloud(), c.secret(), which, v.id(), v.fingerprint(), v.ageDays() + " d");
        }
    }
}
