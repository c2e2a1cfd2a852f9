package dev.cva.cli.doctor;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.support.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code cva doctor}: what is missing on this machine, with a fix for each. */
@Command(
        name = "doctor",
        description = {
            "Check this machine for what each environment needs, with a fix for each missing part.",
            "Without --env it checks local and prod and fails only for local; with --env it fails for that one."
        })
public final class DoctorCommand implements Callable<Integer> {
    private final CvaContext ctx;

    DoctorCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    record Report(boolean ok, List<Doctor.Check> checks) {}

    @Override
    public Integer call() {
        Doctor doctor = new Doctor(ctx.env(), ctx.home(), Runtime.version());
        List<String> environments = ctx.environmentChosen() ? List.of(ctx.environmentName()) : List.of("local", "prod");
        String decisive = ctx.environmentChosen() ? ctx.environmentName() : "local";
        List<Doctor.Check> checks = new ArrayList<>();
        environments.forEach(e -> checks.addAll(doctor.check(e)));
        boolean ok =
                checks.stream().noneMatch(c -> c.failed() && c.environment().equals(decisive));
        if (ctx.globals().json()) {
            ctx.printJson(new Report(ok, checks));
        } else {
            Table t = new Table("ENV", "CHECK", "STATUS", "FOUND", "FIX");
            checks.forEach(c -> t.row(c.environment(), c.name(), status(c), c.found(), c.fix()));
            t.print(ctx.out());
            ctx.info(ok ? "ready for " + decisive : "not ready for " + decisive + ": see FIX above");
        }
        return ok ? ExitCode.OK.code() : ExitCode.FAILURE.code();
    }

    private String status(Doctor.Check c) {
        return switch (c.status()) {
            case OK -> ctx.paint("32", "ok");
            case WARN -> ctx.paint("33", "optional");
            case MISSING -> ctx.paint("31", c.required() ? "MISSING" : "missing");
        };
    }
}
