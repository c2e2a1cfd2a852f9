package dev.cva.cli.purity;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code cva purity}: the microservices purity score of this repository, criterion by criterion, with evidence. */
@Command(
        name = "purity",
        description = "Microservices purity score computed from the repository (pipelines, Terraform roots, POMs, "
                + "sources), criterion by criterion with evidence. Exit 1 below the maximum.")
public final class PurityCommand implements Callable<Integer> {
    private final CvaContext ctx;

    PurityCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Purity.Score s = new Purity(
                        ctx.projectRoot(), ctx.config().config(), ctx.config().text())
                .score();
        if (ctx.globals().json()) {
            ctx.printJson(s);
        } else {
            PrintWriter out = ctx.out();
            for (Purity.Criterion c : s.criteria()) {
                out.println((c.pass() ? "PASS  " : "FAIL  ") + c.id() + ": " + c.name());
                c.evidence().forEach(e -> out.println("      " + e));
            }
            out.println("purity: " + s.score() + "/" + s.max());
            out.flush();
        }
        return s.score() == s.max() ? 0 : ExitCode.FAILURE.code();
    }
}
