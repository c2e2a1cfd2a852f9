package dev.cva.cli.deploy;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.artifact.GitInfo;
import dev.cva.cli.config.Settings;
import dev.cva.cli.deploy.hosting.DashboardDeploy;
import dev.cva.cli.deploy.hosting.HostingRest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva deploy dashboard}: parse, call {@link DashboardDeploy}, render like every deploy. */
@Command(
        name = "dashboard",
        sortOptions = false,
        description = {
            "Publish services/dashboard/dist (with a generated config.json) to Firebase Hosting (gcp.hostingSite): "
                    + "a new version with only the files Hosting lacks uploaded, finalized and released, then a GET of "
                    + "the site (the previous version is released again when it fails).",
            "Exit 0 deployed, 4 no change (the live version has the same files), 1 failed or rolled back, 2 bad usage "
                    + "(not built, no API key, --env local)."
        })
public final class DeployDashboardCommand implements Callable<Integer> {
    @Option(names = "--dry-run", description = "Compare with the live version and print the plan; touch nothing.")
    boolean dryRun;

    @Option(
            names = "--no-smoke",
            negatable = false,
            description = "Skip the GET of the site (and so the automatic rollback).")
    boolean noSmoke;

    private final CvaContext ctx;

    DeployDashboardCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            throw CvaException.usage(
                    "the local stack serves the dashboard itself (see 'cva local status')",
                    "deploy to Firebase Hosting with --env prod");
        }
        Settings s = ctx.settings();
        if (!dryRun) {
            dev.cva.cli.env.Confirmation.cloudChange(ctx, "deploy the dashboard");
        }
        String project = s.require("gcp.project");
        DashboardDeploy deploy = new DashboardDeploy(
                ctx.projectRoot(),
                ctx.environmentName(),
                project,
                DeployTargets.hostingSite(s),
                new DashboardDeploy.FirebaseConfig(
                        project,
                        s.get("gcp.firebaseApiKey"),
                        s.get("gcp.firebaseAuthDomain"),
                        s.get("gcp.firebaseAppId"),
                        s.get("gcp.firestoreDatabase")),
                HostingRest.create(s.get("gcp.hostingEndpoint")),
                new GitInfo(ctx.projectRoot()),
                ctx::info);
        DeployResult r = new DeployAudit(ctx)
                .run(
                        "deploy",
                        "dashboard",
                        dev.cva.cli.audit.Audits.Cloud.GCP,
                        () -> deploy.deploy(new DashboardDeploy.Options(dryRun, !noSmoke)));
        return DeployView.render(ctx, List.of(r), false);
    }
}
