package dev.cva.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on this machine, as a user runs it: every emulator, the packaged receiver and Lambda jars
 * (built by {@code ./mvnw verify} before the CLI's tests run), the event source mappings, the DLQ.
 */
class LocalStackE2ETest {
    @TempDir Path project;

    private CliHarness cva;

    @BeforeEach
    void projectWithTheRepositoryServices() throws Exception {
        Path repo = CliHarness.repoRoot();
        List<String> missing = new ArrayList<>();
        for (String m : List.of("processor", "notifier", "reporter")) {
            Path jar = repo.resolve("services/" + m + "/target/" + m + "-lambda.jar");
            String override = System.getenv("CVA_LOCAL_JAR_" + m.toUpperCase());
            if (!Files.isRegularFile(jar) && override == null) {
                missing.add(jar.toString());
            }
        }
        Path deploy = repo.resolve("services/receiver/target/deploy");
        if (!Files.isDirectory(deploy) || Files.list(deploy).noneMatch(p -> p.toString().endsWith(".jar"))) {
            missing.add(deploy + "/*.jar");
        }
        assertThat(missing).as("the end-to-end test needs the packaged service jars: run './mvnw verify' "
                + "(or './mvnw -DskipTests install' first); missing").isEmpty();
        Files.copy(repo.resolve("cva.yaml"), project.resolve("cva.yaml"));
        Files.createSymbolicLink(project.resolve("services"), repo.resolve("services"));
        cva = new CliHarness(project).env("CVA_LOCAL_SES", "outbox");
        for (String m : List.of("PROCESSOR", "NOTIFIER", "REPORTER")) {
            String override = System.getenv("CVA_LOCAL_JAR_" + m);
            if (override != null) {
                cva.env("CVA_LOCAL_JAR_" + m, override);
            }
        }
    }

    @Test
    @Timeout(180)
    void demoDeliversEveryValidRecordAndDeadLettersThePoison() throws Exception {
        CliHarness.Result r = cva.run("local", "demo", "--conversations", "20", "--early", "2", "--duplicates", "2",
                "--poison", "2", "--timeout", "90", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode s = CvaContext.json().readTree(r.out());
        assertThat(s.path("ok").asBoolean()).isTrue();
        assertThat(s.path("conversations").asInt()).isEqualTo(20);
        assertThat(s.path("earlyResponses").asInt()).isEqualTo(2);
        assertThat(s.path("duplicates").asInt()).isEqualTo(2);
        assertThat(s.path("eventsSent").asInt()).isEqualTo(20 * 2 + 2 + 2);
        assertThat(s.path("dynamoRecords").asLong()).isEqualTo(20);
        assertThat(s.path("firestoreRecords").asLong()).isEqualTo(20);
        assertThat(s.path("dlqMessages").asLong()).isEqualTo(2);
        assertThat(s.path("webhookDlqMessages").asLong()).isZero();
        assertThat(s.path("latency").path("p95Ms").asLong()).isPositive();
        assertThat(s.path("report").asText()).startsWith(project.resolve(".cva/local/outbox").toString());
        assertThat(s.path("problems")).isEmpty();
        assertThat(LocalState.read(project)).as("state file removed").isEmpty();
        assertNoChildrenLeft();
    }

    @Test
    @Timeout(180)
    void detachedStackIsFoundByOtherCommandsAndStopsCleanly() throws Exception {
        CliHarness.Result up = cva.run("local", "up", "--detach", "--json");
        try {
            assertThat(up.exitCode()).as(up.toString()).isZero();
            LocalState state = LocalState.read(project).orElseThrow();
            assertThat(state.parts()).containsKeys("sqs", "dynamodb", "firestore", "receiver", "ses", "lambda",
                    "processor", "notifier", "reporter");
            assertThat(state.parts().values()).allSatisfy(p -> assertThat(p.url()).startsWith("http://127.0.0.1:"));

            CliHarness.Result status = cva.run("local", "status", "--json");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out()).contains("\"healthy\" : true").doesNotContain("\"healthy\" : false");

            String id = UUID.randomUUID().toString();
            String early = "{\"eventType\":\"response\",\"requestId\":\"" + id + "\",\"timestamp\":1763980802350,"
                    + "\"matchType\":\"full\",\"matchScore\":90,\"reasoning\":\"sent before its query\"}";
            Files.writeString(project.resolve("response.json"), early);
            CliHarness.Result response = cva.run("events", "send", "response", "--data", "@response.json");
            assertThat(response.exitCode()).as(response.toString()).isZero();
            assertThat(cva.run("events", "send", "query", "--request-id", id, "--query", "Kubernetes?").exitCode()).isZero();
            FirestoreRest firestore = new FirestoreRest(state.url("firestore"), state.resource("gcpProject"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!firestore.receivedAt().containsKey(id) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(firestore.receivedAt()).containsKey(id);
        } finally {
            CliHarness.Result down = cva.run("local", "down", "--json");
            assertThat(down.exitCode()).as(down.toString()).isZero();
        }
        LocalState gone = LocalState.read(project).orElse(null);
        assertThat(gone).isNull();
        assertThat(up.exitCode()).isZero();
        CliHarness.Result after = cva.run("local", "status");
        assertThat(after.exitCode()).isEqualTo(1);
        assertNoChildrenLeft();
    }

    @Test
    @Timeout(120)
    void aPartThatFailsToStartLeavesNothingRunning(@TempDir Path elsewhere) {
        // The processor's jar has no reporter handler: caught before anything starts.
        cva.env("CVA_LOCAL_JAR_REPORTER", CliHarness.repoRoot().resolve("services/processor/target/processor-lambda.jar").toString());
        CliHarness.Result up = cva.run("local", "up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isEqualTo(1);
        assertThat(up.err()).contains("has no class dev.cva.reporter.ReporterHandler");
        assertThat(LocalState.read(project)).isEmpty();
        assertNoChildrenLeft();

        CliHarness.Result missing = new CliHarness(elsewhere).run("local", "up");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("not built", "./mvnw -DskipTests install");
    }

    private static void assertNoChildrenLeft() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList()).isEmpty();
    }
}
