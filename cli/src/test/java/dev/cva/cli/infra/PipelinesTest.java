package dev.cva.cli.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cva.cli.CliHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every service in cva.yaml has its own pipeline, and every workflow pins its actions by commit SHA. */
class PipelinesTest {
    static final Path WORKFLOWS = CliHarness.repoRoot().resolve(".github/workflows");
    static final YAMLMapper YAML = new YAMLMapper();

    static JsonNode on(JsonNode wf) {
        return wf.has("on") ? wf.get("on") : wf.path("true");
    }

    static List<String> texts(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Test
    void everyServiceHasAPipelineThatTestsItsModuleAndDeploysItsTags() throws Exception {
        JsonNode services = YAML.readTree(
                        CliHarness.repoRoot().resolve("cva.yaml").toFile())
                .path("services");
        assertThat(services.size()).isEqualTo(5);
        for (var it = services.fields(); it.hasNext(); ) {
            var e = it.next();
            String s = e.getKey();
            String module = e.getValue().path("module").asText();
            Path file = WORKFLOWS.resolve(s + ".yml");
            assertThat(file).as("pipeline of " + s).exists();
            JsonNode wf = YAML.readTree(file.toFile());
            JsonNode push = on(wf).path("push");
            assertThat(texts(push.path("tags"))).containsExactly(s + "-v*");
            assertThat(texts(push.path("paths")))
                    .contains(module + "/**", "infra/services/" + s + "/**")
                    .anyMatch(p -> p.startsWith("services/contracts/schemas/"))
                    .noneMatch(p -> services.fieldNames().hasNext()
                            && p.startsWith("services/")
                            && !p.startsWith(module + "/")
                            && !p.startsWith("services/contracts/"));
            assertThat(texts(on(wf).path("pull_request").path("paths"))).isEqualTo(texts(push.path("paths")));
            assertThat(wf.path("permissions").path("contents").asText()).isEqualTo("read");

            JsonNode test = wf.path("jobs").path("test");
            assertThat(test.toString()).contains("-pl " + module + " -am verify");
            JsonNode deploy = wf.path("jobs").path("deploy");
            assertThat(deploy.path("needs").asText()).isEqualTo("test");
            assertThat(deploy.path("if").asText()).contains("refs/tags/" + s + "-v");
            assertThat(deploy.path("permissions").path("id-token").asText()).isEqualTo("write");
            assertThat(deploy.path("concurrency").path("group").asText()).isEqualTo("deploy-" + s + "-prod");
            assertThat(deploy.path("concurrency").path("cancel-in-progress").asBoolean())
                    .isFalse();
            assertThat(deploy.toString())
                    .contains("cva deploy " + s + " --env prod --json")
                    .contains("GITHUB_STEP_SUMMARY")
                    .contains(
                            e.getValue().path("cloud").asText().equals("aws")
                                    ? "aws-actions/configure-aws-credentials@"
                                    : "google-github-actions/auth@")
                    .doesNotContain("aws-access-key-id", "credentials_json");
        }
    }

    @Test
    void theInfraAndCliReleasePipelinesExist() throws Exception {
        JsonNode infra = YAML.readTree(WORKFLOWS.resolve("infra.yml").toFile());
        assertThat(on(infra).has("pull_request")).isTrue();
        assertThat(infra.path("jobs").path("plan").toString()).contains("cva infra plan");
        JsonNode release = YAML.readTree(WORKFLOWS.resolve("cli-release.yml").toFile());
        assertThat(texts(on(release).path("push").path("tags"))).containsExactly("cli-v*");
        assertThat(release.path("jobs")
                        .path("release")
                        .path("permissions")
                        .path("contents")
                        .asText())
                .isEqualTo("write");
        assertThat(release.toString()).contains("cli/target/cva.jar");
    }

    @Test
    void everyActionIsPinnedByCommitShaWithItsVersionInAComment() throws Exception {
        Pattern uses = Pattern.compile("uses:\\s*(\\S+)(.*)");
        try (var files = Files.list(WORKFLOWS)) {
            for (Path f : files.toList()) {
                Matcher m = uses.matcher(Files.readString(f));
                while (m.find()) {
                    assertThat(m.group(1)).as(f + ": " + m.group()).matches("[\\w.-]+/[\\w.-]+@[0-9a-f]{40}");
                    assertThat(m.group(2)).as(f + ": " + m.group()).matches("\\s*# v\\d+(\\.\\d+)*");
                }
            }
        }
    }
}
