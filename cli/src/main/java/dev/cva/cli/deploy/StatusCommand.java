package dev.cva.cli.deploy;

import dev.cva.cli.CvaContext;
import dev.cva.cli.support.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cva status}: what is deployed in the environment, and how it compares with the latest release tag. */
@Command(name = "status",
        description = "Per service: the deployed version, git sha, time and traffic split, and drift against the latest "
                + "<service>-v* tag (not-deployed, untagged, current, behind, ahead, modified).")
public final class StatusCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "SERVICE", description = "Only these services (default: all).")
    List<String> services;

    private final CvaContext ctx;

    StatusCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        DeployService deploys = DeployTargets.service(ctx);
        List<DeployService.Status> rows = deploys.status(services == null || services.isEmpty() ? deploys.services() : services);
        if (ctx.globals().json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("env", ctx.environmentName());
            out.put("services", rows);
            ctx.printJson(out);
            return 0;
        }
        Table t = new Table("SERVICE", "CLOUD", "REVISION", "VERSION", "GIT", "DEPLOYED", "TRAFFIC", "TAG", "DRIFT");
        for (DeployService.Status s : rows) {
            t.row(s.service(), s.cloud(), dash(s.revision()), dash(s.version()),
                    s.gitSha() == null ? "-" : DeployService.shortSha(s.gitSha()) + (Boolean.TRUE.equals(s.dirty()) ? "+dirty" : ""),
                    dash(s.time()),
                    s.traffic().isEmpty() ? "-" : s.traffic().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue() + "%").collect(Collectors.joining(" ")),
                    dash(s.latestTag()), s.drift());
        }
        t.print(ctx.out());
        ctx.out().flush();
        return 0;
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
