package dev.cva.cli.env;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.support.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cva env}: the current environment; {@code use} and {@code list} below. Thin: {@link Environments} does it. */
@Command(
        name = "env",
        sortOptions = false,
        description = {
            "Show the current environment and where it came from.",
            "Order: --env, then CVA_ENV, then the choice of 'cva env use' for this checkout, then "
                    + "defaultEnvironment in cva.yaml, then local.",
            "Exit 0, or 2 when the current environment is not in cva.yaml."
        },
        subcommands = {EnvCommand.Use.class, EnvCommand.ListEnvironments.class})
public final class EnvCommand implements Callable<Integer> {
    private final CvaContext ctx;

    EnvCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Environments.Shown shown = new Environments(ctx).current();
        if (ctx.globals().json()) {
            ctx.printJson(shown);
        } else {
            Environments.render(shown).forEach(ctx.out()::println);
            ctx.out().flush();
        }
        return ExitCode.OK.code();
    }

    /** {@code cva env use NAME}. */
    @Command(
            name = "use",
            description = {
                "Make NAME the environment of this checkout (kept in .cva/environment); "
                        + "--env and CVA_ENV still win for one command.",
                "Exit 0, or 2 when cva.yaml has no such environment."
            })
    static final class Use implements Callable<Integer> {
        @Parameters(
                paramLabel = "NAME",
                completionCandidates = EnvironmentNames.class,
                description = "An environment of cva.yaml (see cva env list).")
        String name;

        private final CvaContext ctx;

        Use(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Environments.Used used = new Environments(ctx).use(name);
            if (ctx.globals().json()) {
                ctx.printJson(used);
            } else {
                ctx.out()
                        .println("environment: " + used.environment()
                                + (used.previous() == null || used.previous().equals(name)
                                        ? ""
                                        : " (was " + used.previous() + ")"));
                ctx.out().flush();
                ctx.info("kept in " + used.file());
            }
            if (used.overriddenBy() != null) {
                ctx.warn(used.overriddenBy() + " still chooses another environment while it is given");
            }
            return ExitCode.OK.code();
        }
    }

    /** {@code cva env list}. */
    @Command(
            name = "list",
            description = {
                "List the environments of cva.yaml with their clouds, AWS account and region, "
                        + "and GCP project; '*' marks the current one.",
                "Exit 0."
            })
    static final class ListEnvironments implements Callable<Integer> {
        private final CvaContext ctx;

        ListEnvironments(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Environments.Listed listed = new Environments(ctx).list();
            if (ctx.globals().json()) {
                ctx.printJson(listed);
                return ExitCode.OK.code();
            }
            Table t = new Table("", "NAME", "AWS ACCOUNT", "AWS REGION", "GCP PROJECT");
            for (Environments.Entry e : listed.environments()) {
                t.row(
                        e.current() ? "*" : "",
                        e.name() + (e.local() ? " (this machine)" : ""),
                        e.aws() == null ? null : e.aws().account(),
                        e.aws() == null ? null : e.aws().region(),
                        e.gcp() == null ? null : e.gcp().project());
            }
            t.print(ctx.out());
            ctx.info("current: " + listed.current() + " (from "
                    + EnvironmentSource.valueOfId(listed.source()).label() + ")");
            return ExitCode.OK.code();
        }
    }
}
