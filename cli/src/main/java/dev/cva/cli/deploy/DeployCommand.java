package dev.cva.cli.deploy;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.env.Confirmation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cva deploy}: parse, call {@link DeployService}, render. */
@Command(
        name = "deploy",
        sortOptions = false,
        description = {
            "Build (or reuse) a service's artifact and deploy it: a new Lambda version behind the 'live' "
                    + "alias, or a new Cloud Run revision of the Cloud Function; smoke-tested, rolled back on failure.",
            "Exit 0 deployed, 4 no change (the artifact's SHA-256 is what runs), 1 failed or rolled back, "
                    + "2 bad usage."
        },
        subcommands = {DeployCommand.Promote.class, DeployDashboardCommand.class})
public final class DeployCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "SERVICE", description = "The service (from cva.yaml).")
    String service;

    @Option(names = "--all", description = "Every service; only those whose artifact changed are deployed.")
    boolean all;

    @Option(
            names = "--dry-run",
            description = "Print the plan (from which version and git sha to which); touch nothing.")
    boolean dryRun;

    @Option(
            names = "--canary",
            paramLabel = "PCT",
            description = "Send PCT%% of traffic to the new version; then 'cva deploy promote SERVICE' (or --promote).")
    Integer canary;

    @Option(names = "--promote", description = "With --canary: promote to 100%% as soon as the smoke test passes.")
    boolean promote;

    @Option(
            names = "--no-smoke",
            negatable = false,
            description = "Skip the smoke test (and so the automatic rollback).")
    boolean noSmoke;

    @Option(names = "--artifact", paramLabel = "FILE", description = "Deploy this jar instead of building one.")
    Path artifact;

    @Option(names = "--reuse", description = "Reuse the built artifact when present instead of rebuilding.")
    boolean reuse;

    @Option(names = "--create", description = "Create the function if it does not exist (Terraform owns it normally).")
    boolean create;

    @Option(names = "--role", paramLabel = "ARN", description = "With --create on AWS: the function's execution role.")
    String role;

    private final CvaContext ctx;

    DeployCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (all == (service != null)) {
            throw CvaException.usage("name one service or --all", "cva deploy processor, or cva deploy --all");
        }
        if (all && artifact != null) {
            throw CvaException.usage("--artifact names one service's jar: it cannot go with --all", null);
        }
        if (promote && canary == null) {
            throw CvaException.usage("--promote goes with --canary PCT", null);
        }
        if (!dryRun) {
            Confirmation.cloudChange(ctx, all ? "deploy every changed service" : "deploy " + service);
        }
        DeployService deploys = DeployTargets.service(ctx);
        DeployService.Options options =
                new DeployService.Options(artifact, reuse, dryRun, canary, promote, !noSmoke, create, role);
        List<DeployResult> results = new ArrayList<>();
        DeployAudit audit = new DeployAudit(ctx);
        // --all: the functions; a static site (the dashboard) is published by its own command and pipeline
        for (String s : all
                ? deploys.services().stream()
                        .filter(x -> !deploys.spec(x).isHosting())
                        .toList()
                : List.of(service)) {
            results.add(audit.run("deploy", s, () -> deploys.deploy(s, options)));
        }
        return DeployView.render(ctx, results, all);
    }

    /** {@code cva deploy promote SERVICE}: the canary takes all traffic. */
    @Command(name = "promote", description = "Send all traffic to the canary of SERVICE. Exit 4 when there is none.")
    static final class Promote implements Callable<Integer> {
        @Parameters(paramLabel = "SERVICE", description = "The service (from cva.yaml).")
        String service;

        private final CvaContext ctx;

        Promote(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Confirmation.cloudChange(ctx, "promote the canary of " + service);
            DeployService deploys = DeployTargets.service(ctx);
            DeployResult r = new DeployAudit(ctx).run("deploy promote", service, () -> deploys.promote(service));
            return DeployView.render(ctx, List.of(r), false);
        }
    }
}
