package dev.cva.cli.purity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PurityCommandTest {
    @TempDir
    Path tmp;

    static Map<String, JsonNode> criteria(JsonNode out) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        out.path("criteria").forEach(c -> m.put(c.path("id").asText(), c));
        return m;
    }

    @Test
    void theRepositoryScoresEightOfEightWithEvidencePerService() throws Exception {
        CliHarness.Result r = new CliHarness(CliHarness.repoRoot()).run("purity", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode out = CvaContext.json().readTree(r.out());
        assertThat(out.path("score").asInt()).as(r.out()).isEqualTo(8);
        assertThat(out.path("max").asInt()).isEqualTo(8);
        Map<String, JsonNode> c = criteria(out);
        assertThat(c.keySet())
                .containsExactly(
                        "independent-pipeline",
                        "own-infra-state",
                        "own-data-store",
                        "own-version-tags",
                        "no-shared-code",
                        "contracts-only",
                        "own-identity",
                        "own-observability");
        for (JsonNode criterion : c.values()) {
            assertThat(criterion.path("evidence")).hasSize(5); // one line per service
        }
        assertThat(c.get("own-infra-state").path("evidence").toString())
                .contains("processor: infra/services/processor, backend \\\"s3\\\"")
                .contains("receiver: infra/services/receiver, backend \\\"gcs\\\"")
                .contains("dashboard: infra/services/dashboard, backend \\\"gcs\\\"");
        // the static site: its npm version and tags, a deploy identity, an uptime check instead of logs
        assertThat(c.get("own-version-tags").path("evidence").toString())
                .contains("dashboard: version 0.1.0, pipeline deploys on dashboard-v*");
        assertThat(c.get("own-observability").path("evidence").toString())
                .contains("dashboard: alarms, budget, an uptime check (a static site writes no logs) in its own root");
        assertThat(c.get("no-shared-code").path("evidence").toString())
                .contains("processor: ships cva-contracts only (test scope: cva-test-support, cva-local-runtime)")
                .contains("notifier: ships cva-contracts and the library cva-replay (libs/replay, no service's code)");
    }

    @Test
    void aSharedStateAMissingPipelineAndACrossServiceImportLowerTheScore() throws Exception {
        Path repo = CliHarness.repoRoot();
        Path p = tmp.resolve("repo");
        copy(repo, p, "cva.yaml", "infra", ".github", "services", "libs");
        Files.delete(p.resolve(".github/workflows/reporter.yml"));
        Files.writeString(
                p.resolve("infra/services/notifier/state.tf"),
                "data \"terraform_remote_state\" \"processor\" {\n  backend = \"s3\"\n}\n");
        Path src = p.resolve("services/reporter/src/main/java/dev/cva/reporter/Leak.java");
        Files.writeString(
                src, "package dev.cva.reporter;\n\nimport dev.cva.processor.ProcessorHandler;\n\nclass Leak {}\n");
        // the reporter's execution role (read by its root through templatefile) may do anything to any table
        Files.writeString(
                p.resolve("infra/policies/reporter.json"),
                "{\"Version\":\"2012-10-17\",\"Statement\":["
                        + "{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:*\"],\"Resource\":\"*\"}]}");

        // a statement on every resource, no condition to narrow it, next to the restore role's conditioned ones
        Files.writeString(
                p.resolve("infra/services/processor/wide.tf"),
                "data \"aws_iam_policy_document\" \"wide\" {\n"
                        + "  statement {\n    actions   = [\"lambda:CreateEventSourceMapping\"]\n    resources = [\"*\"]\n"
                        + "    condition {\n      test     = \"StringLike\"\n      variable = \"lambda:FunctionArn\"\n"
                        + "      values   = [\"arn:aws:lambda:*:*:function:x\"]\n    }\n  }\n"
                        + "  statement {\n    actions   = [\"s3:GetObject\"]\n    resources = [\"*\"]\n  }\n}\n");

        CliHarness.Result r = new CliHarness(p).run("purity");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out())
                .contains("FAIL  independent-pipeline", "reporter: no .github/workflows/reporter.yml")
                .contains("FAIL  own-infra-state", "data.terraform_remote_state.processor: reads another root's state")
                .contains("FAIL  contracts-only", "FOREIGN [dev.cva.processor.ProcessorHandler]")
                .contains("PASS  no-shared-code")
                .contains("FAIL  own-version-tags", "reporter: version 0.1.0, NO reporter-v* trigger")
                .contains("FAIL  own-identity", "reporter: 2 role(s)/service account(s) of its own, a WILDCARD grant")
                .contains("processor: 2 role(s)/service account(s) of its own, a WILDCARD grant")
                .contains("purity: 3/8");
    }

    static void copy(Path from, Path to, String... names) throws Exception {
        for (String n : names) {
            Path src = from.resolve(n);
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(x -> !x.toString().contains("/target/")
                                && !x.toString().contains("/node_modules/"))
                        .toList()) {
                    Path dest = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(dest);
                    } else {
                        Files.createDirectories(dest.getParent());
                        Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }
}
