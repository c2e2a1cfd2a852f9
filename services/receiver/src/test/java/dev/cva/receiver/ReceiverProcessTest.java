package dev.cva.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.contracts.webhook.WebhookHeaders;
import dev.cva.contracts.webhook.WebhookSecret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's path: the invoker as a child process creates {@link ReceiverFunction} with its no-arg
 * constructor, which reads only environment variables.
 */
@ExtendWith(EmulatorExtension.class)
class ReceiverProcessTest {
    private static final String INVOKER = "com.google.cloud.functions.invoker.runner.Invoker";
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theNoArgConstructorReadsTheEnvironmentAndNeverLogsSecrets(FirestoreEmulator emulator, @TempDir Path tmp)
            throws Exception {
        WebhookSecret secret = WebhookSecret.random();
        WebhookSecret previous = WebhookSecret.random();
        Map<String, String> env = emulator.env(secret);
        env.put(ReceiverConfig.WEBHOOK_SECRET_PREVIOUS, previous.reveal());
        int port = FirestoreEmulator.freePort();
        Path log = tmp.resolve("invoker.log");
        Process p = start(env, port, log);
        try {
            awaitHealthy(port, p, log);
            String id = Webhooks.newId();
            byte[] body = Webhooks.body(id);
            Map<String, String> headers = Webhooks.standard(previous, body);
            HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(post::header);
            HttpResponse<String> r = http.send(post.build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(emulator.analytics(id)).isPresent();
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            String output = Files.readString(log);
            assertThat(output)
                    .contains("\"severity\":\"INFO\"")
                    .contains("\"requestId\":\"" + id + "\"")
                    .contains("\"status\":200")
                    .contains("\"scheme\":\"standard\"")
                    .contains("\"latencyMs\"");
            assertThat(output)
                    .doesNotContain(secret.reveal())
                    .doesNotContain(previous.reveal())
                    .doesNotContain(headers.get(WebhookHeaders.SIGNATURE).substring(3));
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * The log-line contract on the runtime's own output: every JSON line the function writes is a valid log line, and
     * the lines of a request carry its requestId and the traceId of its traceparent; a malformed traceparent is
     * stored and answered as if absent, with a warning line.
     */
    @Test
    void everyLineFollowsTheLogLineContractAndARequestsLinesCarryItsIds(FirestoreEmulator emulator, @TempDir Path tmp)
            throws Exception {
        WebhookSecret secret = WebhookSecret.random();
        int port = FirestoreEmulator.freePort();
        Path log = tmp.resolve("invoker.log");
        Process p = start(emulator.env(secret), port, log);
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String traced = Webhooks.newId();
        String malformed = Webhooks.newId();
        try {
            awaitHealthy(port, p, log);
            for (String id : List.of(traced, malformed)) {
                byte[] body = Webhooks.body(id);
                HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .header("traceparent", id.equals(traced) ? "00-" + trace + "-00f067aa0ba902b7-01" : "00-xyz-01")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                Webhooks.standard(secret, body).forEach(post::header);
                HttpResponse<String> r = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            assertThat(emulator.analytics(traced).orElseThrow()).containsEntry("traceId", trace);
            assertThat(emulator.analytics(malformed).orElseThrow()).doesNotContainKey("traceId");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        var validator = new dev.cva.contracts.ContractValidator();
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            if (l.startsWith("{")) { // the function's own lines; the framework's start-up lines are plain text
                lines.add(mapper.readTree(l));
            }
        }
        for (var line : lines) {
            assertThat(validator.validate(dev.cva.contracts.Contract.LOG_LINE, line))
                    .as(line.toString())
                    .isEmpty();
            assertThat(line.path("service").asText()).isEqualTo("receiver");
        }
        assertThat(lines)
                .filteredOn(l -> traced.equals(l.path("requestId").asText()))
                .singleElement()
                .satisfies(l -> assertThat(l.path("traceId").asText()).isEqualTo(trace));
        assertThat(lines)
                .filteredOn(l -> malformed.equals(l.path("requestId").asText()))
                .extracting(l ->
                        l.path("message").asText() + " " + l.path("severity").asText() + " " + l.has("traceId"))
                .containsExactly("malformed traceparent header ignored WARNING false", "webhook request INFO false");
    }

    @Test
    void aBadEnvironmentStopsTheStartWithAClearMessage(FirestoreEmulator emulator, @TempDir Path tmp) throws Exception {
        String leaked = "whsec_dG9vLXNob3J0";
        Map<String, String> env = Map.of(ReceiverConfig.WEBHOOK_SECRET, leaked, ReceiverConfig.MAX_BODY_BYTES, "lots");
        Path log = tmp.resolve("invoker.log");
        Process p = start(env, FirestoreEmulator.freePort(), log);
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("the invoker should exit")
                    .isTrue();
            String output = Files.readString(log);
            assertThat(p.exitValue()).as(output).isNotZero();
            assertThat(output)
                    .contains("receiver configuration is invalid")
                    .contains("WEBHOOK_SECRET: webhook secret key is")
                    .contains("MAX_BODY_BYTES must be a whole number")
                    .contains("FIRESTORE_PROJECT (or GOOGLE_CLOUD_PROJECT) is required")
                    .doesNotContain(leaked);
        } finally {
            p.destroyForcibly();
        }
    }

    private static Process start(Map<String, String> env, int port, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        INVOKER,
                        "--port",
                        Integer.toString(port),
                        "--target",
                        ReceiverFunction.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> !List.of("PATH", "HOME", "LANG").contains(k));
        pb.environment().putAll(env);
        return pb.start();
    }

    private void awaitHealthy(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the invoker exited: " + Files.readString(log));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no 200 from /healthz within 60 s: " + Files.readString(log));
    }
}
