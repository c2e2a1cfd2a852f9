package dev.cva.cli.deploy;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.support.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cva status}: what is deployed in the environment, and how it compares with the latest release tag; with
 * {@code --resources}, in a cloud environment, also whether every AWS resource the code expects exists by the names
 * of cva.yaml (a check of Terraform's part: cva deploy creates none of them but the functions).
 */
@Command(
        name = "status",
        description =
                "Per service: the deployed version, git sha, time and traffic split, and drift against the latest "
                        + "<service>-v* tag (not-deployed, untagged, current, behind, ahead, modified); with --resources also "
                        + "each AWS function, live alias, event source mapping, table and queue cva.yaml names.")
public final class StatusCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "SERVICE", description = "Only these services (default: all).")
    List<String> services;

    @Option(
            names = "--resources",
            description = "Also check that every AWS function, live alias, event source mapping, "
                    + "table and queue cva.yaml names exists (not in the local environment; needs lambda:GetFunction, "
                    + "lambda:GetAlias, lambda:ListEventSourceMappings, dynamodb:DescribeTable, sqs:GetQueueUrl).")
    boolean resources;

    private final CvaContext ctx;

    StatusCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        DeployTargets targets = new DeployTargets(ctx);
        if (resources && targets.isLocal()) {
            throw CvaException.usage(
                    "--resources checks a cloud environment, not the local stack",
                    "cva status --resources --env prod (the local stack: cva local status)");
        }
        DeployService deploys = DeployTargets.service(ctx);
        List<String> selected = services == null || services.isEmpty() ? deploys.services() : services;
        List<DeployService.Status> rows = deploys.status(selected);
        List<CloudResources.Resource> found = null;
        if (resources && selected.stream().anyMatch(this::onAws)) {
            try (CloudResources.Inventory aws = targets.inventory()) {
                found = targets.resources().check(selected, aws);
            }
        }
        if (ctx.globals().json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("env", ctx.environmentName());
            out.put("services", rows);
            if (found != null) {
                out.put("resources", found);
            }
            ctx.printJson(out);
            return 0;
        }
        Table t = new Table("SERVICE", "CLOUD", "REVISION", "VERSION", "GIT", "DEPLOYED", "TRAFFIC", "TAG", "DRIFT");
        for (DeployService.Status s : rows) {
            t.row(
                    s.service(),
                    s.cloud(),
                    dash(s.revision()),
                    dash(s.version()),
                    s.gitSha() == null
                            ? "-"
                            : DeployService.shortSha(s.gitSha()) + (Boolean.TRUE.equals(s.dirty()) ? "+dirty" : ""),
                    dash(s.time()),
                    s.traffic().isEmpty()
                            ? "-"
                            : s.traffic().entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue() + "%")
                                    .collect(Collectors.joining(" ")),
                    dash(s.latestTag()),
                    s.drift());
        }
        t.print(ctx.out());
        if (found != null) {
            ctx.out().println();
            Table r = new Table("RESOURCE", "NAME", "FOUND");
            found.forEach(x -> r.row(
                    x.kind(), x.name(), x.found() ? "yes" : "MISSING" + (x.detail() == null ? "" : ": " + x.detail())));
            r.print(ctx.out());
        }
        ctx.out().flush();
        return 0;
    }

    private boolean onAws(String service) {
        CvaConfig.Service spec = ctx.config().config().services().get(service);
        return spec != null && spec.cloud() == CvaConfig.Cloud.AWS;
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
