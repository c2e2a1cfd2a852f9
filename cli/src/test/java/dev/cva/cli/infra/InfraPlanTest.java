package dev.cva.cli.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cva infra plan|apply against a stand-in `terraform` on PATH that records its working folder and arguments,
 * answers `plan -detailed-exitcode` with 2 (changes) and fails when FAKE_TF_FAIL names the subcommand.
 */
class InfraPlanTest {
    @TempDir
    Path tmp;

    Path project;
    Path log;
    Path bin;

    @BeforeEach
    void setUp() throws Exception {
        project = InfraProject.copy(tmp.resolve("project"));
        log = tmp.resolve("terraform.log");
        bin = Files.createDirectories(tmp.resolve("bin"));
        Path tf = bin.resolve("terraform");
        Files.writeString(tf, """
                #!/usr/bin/env bash
                printf '%s\\n' "$*" >> "$FAKE_TF_LOG"
                sub="$2"
                echo "fake terraform $sub"
                [ "$sub" = "${FAKE_TF_FAIL:-}" ] && exit 1
                [ "$sub" = plan ] && { echo "Plan: 1 to add, 0 to change, 0 to destroy."; exit 2; }
                exit 0
                """);
        Files.setPosixFilePermissions(tf, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private CliHarness cva() {
        return new CliHarness(project)
                .env("PATH", bin + ":" + System.getenv("PATH"))
                .env("FAKE_TF_LOG", log.toString());
    }

    @Test
    void planRunsInitThenPlanInTheServiceRootWithTheEnvironmentsNames() throws Exception {
        CliHarness.Result r = cva().env("CVA_AWS_QUEUE", "override-queue.fifo")
                .run("infra", "plan", "processor", "--env", "prod", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode out = CvaContext.json().readTree(r.out());
        assertThat(out.path("changes").asBoolean()).isTrue();
        assertThat(out.path("ok").asBoolean()).isTrue();
        JsonNode vars = out.path("variables");
        assertThat(vars.path("environment").asText()).isEqualTo("prod");
        assertThat(vars.path("queue_name").asText()).isEqualTo("override-queue.fifo"); // CVA_* beats cva.yaml
        assertThat(vars.path("dlq_name").asText()).isEqualTo("cv-analytics-dlq.fifo");
        assertThat(vars.path("region").asText()).isEqualTo("eu-west-2");
        assertThat(vars.path("analytics_table").asText()).isEqualTo("cv-analytics-analytics");
        assertThat(vars.has("webhook_dlq_name"))
                .as("only variables the processor root declares")
                .isFalse();
        // an alarm threshold is a setting like a name: cva.yaml's alarms.*, else the built-in default
        assertThat(vars.path("event_queue_oldest_message_seconds").asText()).isEqualTo("900");
        assertThat(vars.has("stream_iterator_age_seconds"))
                .as("the notifier's, not the processor's")
                .isFalse();
        // Terraform's own output is chatter next to --json.
        assertThat(r.err()).contains("Plan: 1 to add");

        Path root = project.resolve("infra/services/processor").toRealPath();
        List<String> calls = Files.readAllLines(log);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).isEqualTo("-chdir=" + root + " init -input=false -no-color");
        assertThat(calls.get(1))
                .startsWith("-chdir=" + root + " plan -input=false -no-color -detailed-exitcode -var=environment=prod ")
                .contains(
                        "-var=queue_name=override-queue.fifo",
                        "-var=dlq_name=cv-analytics-dlq.fifo",
                        "-var=region=eu-west-2");
    }

    @Test
    void theBackendConfigBesideTheRootIsUsedAndTheReceiverGetsItsGcpNames() throws Exception {
        Files.writeString(
                project.resolve("infra/services/receiver/backend.hcl"),
                "bucket = \"b\"\nprefix = \"services/receiver\"\n");
        CliHarness.Result r = cva().run("infra", "plan", "receiver", "--env", "prod");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("fake terraform plan");
        assertThat(r.err()).contains("changes to apply");
        List<String> calls = Files.readAllLines(log);
        assertThat(calls.get(0)).endsWith("init -input=false -no-color -backend-config=backend.hcl");
        assertThat(calls.get(1))
                .contains(
                        "-var=project_id=cv-analytics-prod",
                        "-var=region=europe-west2",
                        "-var=function_name=cv-analytics-receiver",
                        "-var=webhook_secret_name=cv-analytics-webhook-secret");
    }

    @Test
    void applyNeedsYesAndThenApprovesAutomatically() throws Exception {
        CliHarness.Result refused = cva().run("infra", "apply", "reporter", "--env", "prod");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).contains("--yes");
        assertThat(log).doesNotExist();

        CliHarness.Result r = cva().run("infra", "apply", "reporter", "--env", "prod", "--yes", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(log).get(1))
                .contains(
                        " apply -input=false -no-color -auto-approve ",
                        "-var=report_from=reports@cv.example.dev",
                        "-var=report_to=owner@cv.example.dev");
    }

    @Test
    void aFailingTerraformFailsTheCommandAndAnUnknownServiceIsBadUsage() throws Exception {
        CliHarness.Result failed =
                cva().env("FAKE_TF_FAIL", "init").run("infra", "plan", "notifier", "--env", "prod", "--json");
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        JsonNode out = CvaContext.json().readTree(failed.out());
        assertThat(out.path("ok").asBoolean()).isFalse();
        assertThat(out.path("steps")).hasSize(1); // no plan after a failed init

        CliHarness.Result unknown = cva().run("infra", "plan", "nope", "--env", "prod");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown service 'nope'");
    }
}
