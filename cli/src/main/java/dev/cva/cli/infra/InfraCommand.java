package dev.cva.cli.infra;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cva infra}: drift between cva.yaml and infra/, and Terraform plan/apply of one service's root. */
@Command(
        name = "infra",
        description =
                "Terraform per service (infra/services/<service>): check drift against cva.yaml, plan or apply one root.",
        subcommands = {InfraCommand.Check.class, InfraCommand.Plan.class, InfraCommand.Apply.class})
public final class InfraCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final CvaContext ctx;

    InfraCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.err());
        return ExitCode.USAGE.code();
    }

    @Command(
            name = "check",
            description = "Drift between cva.yaml and infra/: roots, backends, names and regions, "
                    + "event sources, hard-coded names. Exit 1 on any drift.")
    static final class Check implements Callable<Integer> {
        private final CvaContext ctx;

        Check(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            InfraCheck.Result r = InfraCheck.run(
                    ctx.projectRoot(), ctx.config().config(), ctx.config().text());
            if (ctx.globals().json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ok", r.ok());
                out.put("roots", r.roots());
                out.put("names", r.names());
                out.put("findings", r.findings());
                ctx.printJson(out);
            } else {
                PrintWriter out = ctx.out();
                out.println("roots: " + String.join(", ", r.roots()));
                for (InfraCheck.NameUse u : r.names()) {
                    out.printf(
                            "%-26s %s%s%n",
                            u.key(),
                            u.owner() == null
                                    ? "used by " + String.join(", ", u.readers())
                                    : "owned by " + u.owner() + " (" + String.join(", ", u.resources()) + ")",
                            u.owner() != null && !u.readers().isEmpty()
                                    ? "; read by " + String.join(", ", u.readers())
                                    : "");
                }
                for (InfraCheck.Finding f : r.findings()) {
                    out.println("DRIFT  " + f.service() + "  [" + f.check() + "] " + f.message());
                }
                out.println(
                        r.ok()
                                ? "no drift between cva.yaml and infra/"
                                : r.findings().size() + " finding(s)");
                out.flush();
            }
            return r.ok() ? 0 : ExitCode.FAILURE.code();
        }
    }

    @Command(
            name = "plan",
            description = "terraform init + plan in infra/services/<service>, with -var values from "
                    + "cva.yaml for --env (flag > CVA_* > cva.yaml > default).")
    static final class Plan implements Callable<Integer> {
        @Parameters(paramLabel = "SERVICE", description = "The service whose root is planned.")
        String service;

        private final CvaContext ctx;

        Plan(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return InfraCommand.run(ctx, InfraRun.Action.PLAN, service);
        }
    }

    @Command(
            name = "apply",
            description = "terraform init + apply in infra/services/<service> (needs --yes unless "
                    + "on a terminal, where Terraform asks).")
    static final class Apply implements Callable<Integer> {
        @Parameters(paramLabel = "SERVICE", description = "The service whose root is applied.")
        String service;

        private final CvaContext ctx;

        Apply(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            InfraRun.requireApproval(ctx.globals().yes(), ctx.terminal());
            return InfraCommand.run(ctx, InfraRun.Action.APPLY, service);
        }
    }

    static int run(CvaContext ctx, InfraRun.Action action, String service) {
        if (!ctx.config().config().services().containsKey(service)) {
            throw CvaException.usage(
                    "unknown service '" + service + "'",
                    "services in cva.yaml: "
                            + String.join(", ", ctx.config().config().services().keySet()));
        }
        InfraRoot root = InfraRun.root(ctx.projectRoot(), service);
        boolean json = ctx.globals().json();
        // Terraform's own output is the data of a plain run, and chatter next to --json.
        PrintWriter output = json ? ctx.err() : ctx.out();
        InfraRun.Outcome o = new InfraRun(new dev.cva.cli.infra.Terraform(ctx.env()))
                .run(action, root, ctx.settings(), ctx.globals().yes(), output);
        if (json) {
            ctx.printJson(o);
        } else {
            ctx.err()
                    .println("cva: terraform " + o.action() + " of " + service + " (" + o.env() + ") "
                            + (o.ok()
                                    ? "succeeded"
                                            + (o.changes() == null
                                                    ? ""
                                                    : o.changes() ? ": changes to apply" : ": no changes")
                                    : "failed"));
            ctx.err().flush();
        }
        return o.ok() ? 0 : ExitCode.FAILURE.code();
    }
}
