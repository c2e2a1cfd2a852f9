package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.stackclient.LocalClients;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva trace} on a real local stack (one start): a delivered record shows every hop in order; with the receiver
 * stopped, a record dead-lettered by the notifier stops at the webhook DLQ with its reason; after the log files are
 * deleted, the stored hops remain. Needs the packaged service jars, like {@link LocalStackE2ETest}.
 */
class TraceE2ETest {
    @TempDir
    Path project;

    /** A hang guard for signals that come within seconds when all is well. */
    static final Duration SIGNAL_BOUND = Duration.ofMinutes(3);

    @Test
    @Timeout(600) // a hang guard only: the waits inside end on signals
    void aTraceShowsEveryHopThenWhereADeadLetteredRecordStoppedAndKeepsTheStoredHopsWithoutLogs() throws Exception {
        Path repo = CliHarness.repoRoot();
        assertThat(repo.resolve("services/notifier/target/notifier-lambda.jar"))
                .as("run './mvnw verify' first")
                .isRegularFile();
        CliHarness.localCheckout(project);
        // no scheduled redrive during the test: it would take the dead letter out of the DLQ to retry it
        CliHarness cva =
                new CliHarness(project).env("CVA_LOCAL_SES", "outbox").env("CVA_LOCAL_REDRIVE_SECONDS", "86400");
        CliHarness.Result up = cva.run("local", "up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        try {
            LocalState state = LocalState.read(project).orElseThrow();
            Path logs = Path.of(state.resource("logs"));
            String delivered = UUID.nameUUIDFromBytes("trace-e2e-delivered".getBytes(StandardCharsets.UTF_8))
                    .toString();
            sendPair(cva, delivered);
            try (LocalClients c = new LocalClients(state, LocalCredentials.read(project))) {
                await(
                        "the record in Firestore",
                        () -> c.firestore().receivedAt().containsKey(delivered));
            }
            // the notifier writes its line once the receiver answered, just after the document exists
            await(
                    "the notifier's line for the delivered record",
                    () -> contains(logs.resolve("notifier.log"), delivered));

            JsonNode trace = trace(cva, delivered);
            assertThat(trace.path("requestId").asText()).isEqualTo(delivered);
            assertThat(trace.path("complete").asBoolean()).isTrue();
            assertThat(trace.path("stoppedAt").isNull()).isTrue();
            List<String> hops = names(trace);
            assertThat(hops.subList(0, 2)).containsExactlyInAnyOrder("query", "response");
            assertThat(hops).containsSubsequence("record", "firestore", "receiver", "notifier");
            trace.path("hops").forEach(h -> {
                assertThat(h.path("at").isNull())
                        .as("every hop has its time: %s", h)
                        .isFalse();
                assertThat(h.has("delayMs") && h.has("detail") && h.has("source"))
                        .as(h.toString())
                        .isTrue();
            });
            assertThat(hop(trace, "notifier").path("detail").asText()).startsWith("delivered after 1 attempt");
            assertThat(hop(trace, "receiver").path("detail").asText()).startsWith("answered 20");
            CliHarness.Result text = cva.run("trace", delivered);
            assertThat(text.exitCode()).as(text.toString()).isZero();
            assertThat(text.out()).contains("firestore", "complete");

            // the receiver down: the notifier's tries fail and it dead-letters the record
            CliHarness.Result stop = cva.run("local", "stop", "receiver");
            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            String deadLettered = UUID.nameUUIDFromBytes("trace-e2e-dead-lettered".getBytes(StandardCharsets.UTF_8))
                    .toString();
            sendPair(cva, deadLettered);
            await(
                    "the notifier's dead-letter line",
                    () -> contains(logs.resolve("notifier.log"), deadLettered)
                            && readQuietly(logs.resolve("notifier.log"))
                                    .lines()
                                    .anyMatch(l -> l.contains(deadLettered) && l.contains("dead-lettered")));

            JsonNode stopped = trace(cva, deadLettered);
            assertThat(stopped.path("complete").asBoolean()).isFalse();
            assertThat(stopped.path("stoppedAt").asText()).isEqualTo("webhookDlq");
            JsonNode dlq = hop(stopped, "webhookDlq");
            assertThat(dlq.path("detail").asText())
                    .startsWith("in the webhook DLQ since ")
                    .contains(", reason ");
            assertThat(dlq.path("source").asText()).isEqualTo("sqs:cv-analytics-webhook-dlq");
            // the notifier logs its send once the dead letter is in the DLQ
            assertThat(names(stopped))
                    .containsSubsequence("record", "webhookDlq", "notifier")
                    .doesNotContain("firestore");
            assertThat(hop(stopped, "notifier").path("detail").asText()).contains("dead-lettered");
            // looking did not take it out: a second trace finds it again at once
            assertThat(trace(cva, deadLettered).path("stoppedAt").asText()).isEqualTo("webhookDlq");
            CliHarness.Result stoppedText = cva.run("trace", deadLettered);
            assertThat(stoppedText.out()).contains("stopped at webhookDlq: in the webhook DLQ since");

            // the logs gone (expired), the stores still tell the stored hops
            try (Stream<Path> files = Files.list(logs)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                    Files.delete(f);
                }
            }
            JsonNode stored = trace(cva, delivered);
            assertThat(names(stored)).containsExactlyInAnyOrder("query", "response", "record", "firestore");
            assertThat(names(stored).subList(2, 4)).containsExactly("record", "firestore");
            assertThat(stored.path("complete").asBoolean()).isTrue();
            JsonNode storedStop = trace(cva, deadLettered);
            assertThat(storedStop.path("stoppedAt").asText()).isEqualTo("webhookDlq");
            assertThat(names(storedStop)).containsExactlyInAnyOrder("query", "response", "record", "webhookDlq");

            String unknown = UUID.nameUUIDFromBytes("trace-e2e-never-sent".getBytes(StandardCharsets.UTF_8))
                    .toString();
            CliHarness.Result none = cva.run("trace", unknown);
            assertThat(none.exitCode()).as(none.toString()).isEqualTo(1);
            assertThat(none.err()).contains("no trace of " + unknown + " in local");
            CliHarness.Result bad = cva.run("trace", "not-a-request-id");
            assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
            assertThat(bad.err()).contains("is not a request id");
        } finally {
            CliHarness.Result down = cva.run("local", "down");
            assertThat(down.exitCode()).as(down.toString()).isZero();
        }
    }

    private static void sendPair(CliHarness cva, String id) {
        CliHarness.Result q = cva.run("events", "send", "query", "--request-id", id, "--query", "Kubernetes?");
        assertThat(q.exitCode()).as(q.toString()).isZero();
        CliHarness.Result r = cva.run(
                "events",
                "send",
                "response",
                "--request-id",
                id,
                "--match-type",
                "full",
                "--score",
                "90",
                "--reasoning",
                "traced");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private static JsonNode trace(CliHarness cva, String id) throws Exception {
        CliHarness.Result r = cva.run("trace", id, "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return CvaContext.json().readTree(r.out());
    }

    private static List<String> names(JsonNode trace) {
        List<String> names = new ArrayList<>();
        trace.path("hops").forEach(h -> names.add(h.path("hop").asText()));
        return names;
    }

    private static JsonNode hop(JsonNode trace, String name) {
        JsonNode found = null;
        for (JsonNode h : trace.path("hops")) {
            if (h.path("hop").asText().equals(name)) {
                found = h;
            }
        }
        assertThat(found).as("hop %s in %s", name, trace).isNotNull();
        return found;
    }

    private static boolean contains(Path file, String text) {
        return readQuietly(file).contains(text);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        assertThat(OutageChaosE2ETest.waitFor(SIGNAL_BOUND, done))
                .as("waited %s for: %s", SIGNAL_BOUND, what)
                .isTrue();
    }
}
