package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics}: log lines counted from the baseline on, units derived from the outcomes. */
class LocalMetricsTest {
    @TempDir
    Path logs;

    @Test
    void derivesUnitsFromTheProcessorsOutcomes() {
        // 10 parked halves completed later (3 WRU and 1 RRU each), 5 pairs in one batch (1 WRU each); 15 stored records
        LocalMetrics.Derived d = LocalMetrics.derive(10, 15, 15);
        assertThat(d.writeUnits()).isEqualTo(10 + 2 * 10 + 5);
        assertThat(d.readUnits()).isEqualTo(10);
        assertThat(d.firestoreWrites()).isEqualTo(30);
        // a half still parked at the end: its park counts, no completion yet
        assertThat(LocalMetrics.derive(3, 2, 2).writeUnits()).isEqualTo(3 + 2 * 2);
    }

    @Test
    void countsOnlyJsonLinesAndRoundsReceiverTimeUpTo100Ms() {
        LocalMetrics.LogCounts c = new LocalMetrics.LogCounts();
        LocalMetrics.countLine("START RequestId: 1 Version: $LATEST", c);
        LocalMetrics.countLine(
                "{\"message\":\"webhook request\",\"method\":\"POST\",\"status\":200,\"latencyMs\":12.5}", c);
        LocalMetrics.countLine(
                "{\"message\":\"webhook request\",\"method\":\"POST\",\"status\":401,\"latencyMs\":250.1}", c);
        LocalMetrics.countLine(
                "{\"message\":\"webhook request\",\"method\":\"GET\",\"status\":200,\"latencyMs\":1}", c);
        LocalMetrics.countLine("{\"message\":\"webhook delivered\",\"attempts\":2}", c);
        LocalMetrics.countLine("{not json \"message\"", c);
        assertThat(c.posts).isEqualTo(2);
        assertThat(c.postsOk).isEqualTo(1);
        assertThat(c.billedMs).isEqualTo(100 + 300);
        assertThat(c.attempts).isEqualTo(2);
        assertThat(c.get("webhook request")).isEqualTo(3);
    }

    @Test
    void theRouteCountsWhatWasLoggedAfterTheBaselineAndResets() throws Exception {
        Path processor = logs.resolve("processor.log");
        Files.writeString(processor, line("record completed") + line("record completed")); // before: not counted
        try (ControlServer control = new ControlServer("t0ken")) {
            LocalMetrics.register(control, Map.of(), () -> null, () -> null, logs, Clock.systemUTC());
            Files.writeString(
                    processor,
                    "Picked up JAVA_TOOL_OPTIONS\n" + line("event parked") + line("record completed")
                            + line("record completed"),
                    StandardOpenOption.APPEND);
            Files.writeString(
                    logs.resolve("receiver.log"),
                    "{\"message\":\"webhook request\",\"method\":\"POST\",\"status\":200,\"latencyMs\":150}\n"
                            .repeat(2));
            JsonNode m = get(control, "GET", "/metrics");
            assertThat(m.path("logs").path("processor").path("parked").asLong()).isEqualTo(1);
            assertThat(m.path("logs").path("processor").path("completed").asLong())
                    .isEqualTo(2);
            // 1 park + 1 completion from it (PutItem + DeleteItem) + 1 pair in a batch
            assertThat(m.path("dynamodb").path("writeUnits").asLong()).isEqualTo(4);
            assertThat(m.path("dynamodb").path("basis").asText()).startsWith("derived");
            assertThat(m.path("firestore").path("writes").asLong()).isEqualTo(4);
            assertThat(m.path("webhooks").path("calls").asLong()).isEqualTo(2);
            assertThat(m.path("logs").path("receiver").path("billedMs").asLong())
                    .isEqualTo(400);
            assertThat(m.path("sqs").path("messagesDeleted").asLong()).isZero();

            get(control, "POST", "/metrics/reset");
            assertThat(get(control, "GET", "/metrics")
                            .path("logs")
                            .path("processor")
                            .path("completed")
                            .asLong())
                    .isZero();
        }
    }

    private static String line(String message) {
        return "{\"time\":\"2026-12-02T22:00:00Z\",\"severity\":\"INFO\",\"service\":\"processor\",\"message\":\""
                + message + "\"}\n";
    }

    private static JsonNode get(ControlServer control, String method, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(control.url() + path))
                                .header("Authorization", "Bearer t0ken")
                                .method(method, HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return CvaContext.json().readTree(r.body());
    }
}
