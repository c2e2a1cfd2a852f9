package dev.cva.cli.deploy;

import dev.cva.cli.CvaContext;
import dev.cva.cli.artifact.GitInfo;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.config.Settings;
import dev.cva.cli.deploy.aws.AwsInventory;
import dev.cva.cli.deploy.aws.AwsLambdaTarget;
import dev.cva.cli.deploy.gcp.CloudFunctionsTarget;
import dev.cva.contracts.webhook.WebhookSecret;
import java.net.URI;
import java.util.List;
import java.util.function.Function;

/**
 * Which {@link DeployTarget} serves a service in the selected environment: {@code local} → {@link LocalTarget} (the
 * running local stack), an AWS service → Lambda in {@code aws.region}, a GCP service → Cloud Functions in
 * {@code gcp.project}/{@code gcp.region}. Names follow the Terraform: {@code <project>-<service>} (cv-analytics-processor),
 * and the receiver's is {@code gcp.function}. The GCP classes are only loaded when a GCP service is opened.
 */
public final class DeployTargets implements DeployService.Targets {
    /** How a GCP service's target is built from the environment's settings (tests: clients aimed at a fake). */
    @FunctionalInterface
    public interface CloudFunctions {
        DeployTarget create(
                String project,
                String region,
                Function<String, String> functionName,
                Function<URI, DeployTarget.SmokeResult> smoke);
    }

    private final CvaContext ctx;
    private final CloudFunctions cloudFunctions;

    public DeployTargets(CvaContext ctx) {
        // a lambda, not a method reference: CloudFunctionsTarget (and Google's classes) load only when it runs
        this(ctx, (project, region, name, smoke) -> CloudFunctionsTarget.create(project, region, name, smoke));
    }

    public DeployTargets(CvaContext ctx, CloudFunctions cloudFunctions) {
        this.ctx = ctx;
        this.cloudFunctions = cloudFunctions;
    }

    /** The service layer wired to this invocation: its configuration, environment, project folder and stderr. */
    public static DeployService service(CvaContext ctx) {
        DeployTargets targets = new DeployTargets(ctx);
        return new DeployService(
                ctx.config().config(),
                ctx.environmentName(),
                targets,
                targets::name,
                new Artifacts(ctx.projectRoot()),
                new GitInfo(ctx.projectRoot()),
                ctx.clock(),
                ctx::info);
    }

    public String name(String service) {
        CvaConfig config = ctx.config().config();
        CvaConfig.Service spec = config.services().get(service);
        if (spec != null && spec.cloud() == CvaConfig.Cloud.GCP && !isLocal()) {
            String fn = ctx.settings().get("gcp.function");
            if (fn != null && !fn.isBlank()) {
                return fn;
            }
        }
        String project = config.project() == null || config.project().isBlank() ? "cv-analytics" : config.project();
        return project + "-" + service;
    }

    @Override
    public DeployTarget open(String service, CvaConfig.Service spec) {
        Settings s = ctx.settings();
        if (spec.isHosting()) {
            return isLocal()
                    ? new ServedByLocalStack()
                    : new dev.cva.cli.deploy.hosting.HostingTarget(
                            dev.cva.cli.deploy.hosting.HostingRest.create(s.get("gcp.hostingEndpoint")),
                            hostingSite(s));
        }
        if (isLocal()) {
            return new LocalTarget(
                    dev.cva.cli.stackclient.LocalState.require(ctx), ctx.projectRoot(), receiverSmoke(s));
        }
        if (spec.cloud() == CvaConfig.Cloud.AWS) {
            String region = s.require("aws.region");
            return AwsLambdaTarget.create(
                    region, this::name, svc -> SmokeEvents.forService(svc, region), this::companions);
        }
        return cloudFunctions.create(s.require("gcp.project"), s.require("gcp.region"), this::name, receiverSmoke(s));
    }

    /** The dashboard's Firebase Hosting site: {@code gcp.hostingSite}, else the project id (its default site). */
    public static String hostingSite(Settings s) {
        String site = s.get("gcp.hostingSite");
        return site == null || site.isBlank() ? s.require("gcp.project") : site;
    }

    /** A static site on the local environment: the stack serves its files itself, nothing is deployed or released. */
    private static final class ServedByLocalStack implements DeployTarget {
        @Override
        public java.util.Optional<Deployed> current(String service) {
            return java.util.Optional.empty();
        }

        @Override
        public List<Revision> revisions(String service) {
            return List.of();
        }

        @Override
        public Revision deploy(DeployPlan plan, Progress progress) {
            throw refused(plan.service());
        }

        @Override
        public void shiftTraffic(String service, java.util.Map<String, Integer> weights) {
            throw refused(service);
        }

        @Override
        public SmokeResult smoke(String service, Revision revision) {
            throw refused(service);
        }

        private static dev.cva.cli.CvaException refused(String service) {
            return dev.cva.cli.CvaException.usage(
                    "the local stack serves " + service + " itself (see 'cva local status')",
                    "release it on Firebase Hosting with --env prod");
        }
    }

    /** The {@code resources} check of {@code cva status} for a cloud environment: the names of cva.yaml. */
    public CloudResources resources() {
        Settings s = ctx.settings();
        return new CloudResources(
                ctx.config().config(),
                this::name,
                new CloudResources.Names(
                        s.require("aws.queue"),
                        s.require("aws.dlq"),
                        s.require("aws.webhookDlq"),
                        s.require("aws.queryEventsTable"),
                        s.require("aws.analyticsTable")));
    }

    /** What AWS holds in {@code aws.region}, read-only. */
    public CloudResources.Inventory inventory() {
        return AwsInventory.create(ctx.settings().require("aws.region"));
    }

    /**
     * The deployed functions that write {@code service}'s logs: its own, then its companions' (the notifier's redrive),
     * named as the Terraform and cva deploy name them. {@code cva logs} reads their log groups.
     */
    public List<String> functionNames(String service) {
        List<String> names = new java.util.ArrayList<>(List.of(name(service)));
        companions(service).forEach(c -> names.add(c.function()));
        return names;
    }

    /** The notifier's redrive function, named as the Terraform names it ({@code <function>-redrive}). */
    private List<AwsLambdaTarget.Companion> companions(String service) {
        CvaConfig.Service spec = ctx.config().config().services().get(service);
        if (spec == null || spec.redrive() == null || spec.redrive().handler() == null) {
            return List.of();
        }
        return List.of(new AwsLambdaTarget.Companion(
                name(service) + "-redrive", spec.redrive().handler(), spec.redriveTimeoutSeconds()));
    }

    private ReceiverSmoke receiverSmoke(Settings s) {
        Settings.Setting configured = s.all().get("webhook.secret");
        String secret = s.get("webhook.secret");
        if (configured == null || configured.source() != Settings.Source.ENV) {
            // a running local stack signs with its Secrets Manager's current secret (it changes with a rotation)
            secret = dev.cva.cli.webhook.LocalStackSecret.read(ctx).orElse(secret);
        }
        return new ReceiverSmoke(secret == null || secret.isBlank() ? null : WebhookSecret.parse(secret), ctx.clock());
    }

    public boolean isLocal() {
        return CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName());
    }
}
