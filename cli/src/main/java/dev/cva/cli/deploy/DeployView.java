package dev.cva.cli.deploy;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How deploy, promote and rollback results are shown: one line each on stdout, or the documented JSON. */
final class DeployView {
    private DeployView() {}

    static int render(CvaContext ctx, List<DeployResult> results, boolean many) {
        if (ctx.globals().json()) {
            ctx.printJson(many ? Map.of("deploys", results) : results.get(0));
        } else {
            for (DeployResult r : results) {
                ctx.out().println(line(r));
            }
            ctx.out().flush();
        }
        return exitCode(results).code();
    }

    /** One result: its outcome's code. Several: 4 when nothing changed, 1 when any failed (3 if others deployed). */
    static ExitCode exitCode(List<DeployResult> results) {
        if (results.size() == 1) {
            return results.get(0).outcome().exitCode();
        }
        long failed = results.stream()
                .filter(r -> r.outcome().exitCode() == ExitCode.FAILURE)
                .count();
        long changed = results.stream()
                .filter(r -> r.outcome().exitCode() == ExitCode.OK)
                .count();
        if (failed > 0) {
            return changed > 0 ? ExitCode.PARTIAL : ExitCode.FAILURE;
        }
        return changed > 0 ? ExitCode.OK : ExitCode.NOTHING_TO_DO;
    }

    static String line(DeployResult r) {
        StringBuilder b =
                new StringBuilder(r.service()).append(": ").append(r.outcome().wire());
        b.append(' ').append(rev(r.from())).append(" → ").append(rev(r.to()));
        if (!r.traffic().isEmpty()) {
            b.append(", traffic ")
                    .append(r.traffic().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue() + "%")
                            .collect(Collectors.joining(" ")));
        }
        if (r.smoke() != null) {
            b.append(", smoke ")
                    .append(r.smoke().passed() ? "passed" : "FAILED")
                    .append(" (")
                    .append(r.smoke().detail())
                    .append(')');
        }
        if (r.reason() != null) {
            b.append(": ").append(r.reason());
        }
        return b.append(String.format(" [%.1f s]", r.durationMs() / 1000.0)).toString();
    }

    private static String rev(DeployResult.RevisionView v) {
        if (v == null) {
            return "(none)";
        }
        String what = (v.version() == null ? "?" : v.version()) + " " + DeployService.shortSha(v.gitSha());
        return (v.revision() == null ? "new" : v.revision()) + " (" + what + ")";
    }
}
