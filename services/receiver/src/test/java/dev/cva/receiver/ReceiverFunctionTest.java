package dev.cva.receiver;

import static dev.cva.receiver.Webhooks.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.contracts.Contract;
import dev.cva.contracts.Examples;
import dev.cva.contracts.SignatureVectors;
import dev.cva.contracts.webhook.WebhookHeaders;
import dev.cva.contracts.webhook.WebhookSecret;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The function under the real Functions Framework invoker, writing to the real Firestore emulator. */
@ExtendWith(EmulatorExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiverFunctionTest {
    private static final String DAY = "2025-11-24"; // UTC day of the examples' data.timestamp

    private final WebhookSecret secret = WebhookSecret.random();
    private FirestoreEmulator emulator;
    private FunctionServer server;

    @BeforeAll
    void start(FirestoreEmulator emulator) {
        this.emulator = emulator;
        this.server = FunctionServer.start(emulator.config(secret));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void standardWebhooksRequestIsStoredWithItsCounter() {
        String id = Webhooks.newId();
        byte[] body = Webhooks.body(id);

        HttpResponse<String> r = server.post(body, Webhooks.standard(secret, body));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r.body())).containsEntry("status", "stored").containsEntry("requestId", id);
        Map<String, Object> doc = emulator.analytics(id).orElseThrow();
        assertThat(doc)
                .containsEntry("requestId", id)
                .containsEntry("matchType", "full")
                .containsEntry("matchScore", 92L)
                .containsEntry("week", "2025-W48")
                .containsEntry("timestamp", 1763980800000L)
                .containsKey("receivedAt")
                .containsKey("performance");
        assertThat((Long) doc.get("receivedAt"))
                .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
        assertThat(emulator.counters(DAY)).containsEntry("total", 1L).containsEntry("matchType_full", 1L);
    }

    @Test
    void legacySignatureIsStored() {
        String id = Webhooks.newId();
        byte[] body = Webhooks.body("partial-match", id);

        HttpResponse<String> r = server.post(body, Webhooks.legacy(secret, body));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r.body())).containsEntry("status", "stored");
        assertThat(emulator.analytics(id)).isPresent();
        assertThat(emulator.counters(DAY)).containsEntry("total", 1L).containsEntry("matchType_partial", 1L);
    }

    @Test
    void tamperedBodyIsRejectedInBothSchemes() {
        byte[] body = Webhooks.body(Webhooks.newId());
        byte[] tampered = new String(body)
                .replace("\"matchScore\":92", "\"matchScore\":93")
                .getBytes();
        assertThat(tampered).isNotEqualTo(body);

        assertUnauthorized(server.post(tampered, Webhooks.standard(secret, body)), "bad_signature");
        assertUnauthorized(server.post(tampered, Webhooks.legacy(secret, body)), "bad_signature");
        assertThat(emulator.analyticsIds()).isEmpty();
    }

    @Test
    void wrongSecretIsRejected() {
        byte[] body = Webhooks.body(Webhooks.newId());
        WebhookSecret other = WebhookSecret.random();

        assertUnauthorized(server.post(body, Webhooks.standard(other, body)), "bad_signature");
        assertUnauthorized(server.post(body, Webhooks.legacy(other, body)), "bad_signature");
        assertThat(emulator.analyticsIds()).isEmpty();
    }

    @Test
    void missingOrIncompleteSignatureHeadersAreRejected() {
        byte[] body = Webhooks.body(Webhooks.newId());
        assertUnauthorized(server.post(body, Map.of()), "missing_signature");

        Map<String, String> noId = new HashMap<>(Webhooks.standard(secret, body));
        noId.remove(WebhookHeaders.ID);
        assertUnauthorized(server.post(body, noId), "malformed_header");

        assertUnauthorized(server.post(body, Map.of(WebhookHeaders.LEGACY_SIGNATURE, "md5=abc")), "malformed_header");
        assertThat(emulator.analyticsIds()).isEmpty();
    }

    @Test
    void staleAndFutureTimestampsAreRejected() {
        byte[] body = Webhooks.body(Webhooks.newId());
        Instant now = Instant.now();

        assertUnauthorized(
                server.post(body, Webhooks.standard(secret, body, "msg_old", now.minus(Duration.ofMinutes(6)))),
                "stale_timestamp");
        assertUnauthorized(
                server.post(body, Webhooks.standard(secret, body, "msg_new", now.plus(Duration.ofMinutes(6)))),
                "future_timestamp");
        assertThat(emulator.analyticsIds()).isEmpty();
    }

    @Test
    void anExactRepeatAndAResignedRetryAreDuplicates() {
        String id = Webhooks.newId();
        byte[] body = Webhooks.body(id);
        Instant at = Instant.now();
        Map<String, String> headers = Webhooks.standard(secret, body, "msg_" + id, at);

        assertThat(server.post(body, headers).statusCode()).isEqualTo(200);
        // the very same request again (two notifier runs of one stream record in one second, or a replay): stored
        // already, so a duplicate, never a second write
        HttpResponse<String> repeat = server.post(body, headers);
        assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(200);
        assertThat(json(repeat.body())).containsEntry("status", "duplicate").containsEntry("requestId", id);

        // The sender's retry: same webhook-id, new timestamp, new signature.
        HttpResponse<String> retry = server.post(body, Webhooks.standard(secret, body, "msg_" + id, at.plusSeconds(7)));
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(json(retry.body())).containsEntry("status", "duplicate").containsEntry("duplicate", true);
        assertThat(emulator.counters(DAY)).containsEntry("total", 1L);
    }

    @Test
    void duplicateDeliveryChangesNothing() {
        String id = Webhooks.newId();
        byte[] body = Webhooks.body(id);
        assertThat(server.post(body, Webhooks.standard(secret, body)).statusCode())
                .isEqualTo(200);
        Map<String, Object> first = emulator.analytics(id).orElseThrow();

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> again =
                    server.post(body, i % 2 == 0 ? Webhooks.legacy(secret, body) : Webhooks.standard(secret, body));
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(json(again.body()))
                    .containsEntry("status", "duplicate")
                    .containsEntry("duplicate", true)
                    .containsEntry("requestId", id);
        }

        assertThat(emulator.analytics(id)).contains(first); // receivedAt unchanged: nothing overwritten
        assertThat(emulator.counters(DAY)).containsEntry("total", 1L).containsEntry("matchType_full", 1L);
        assertThat(emulator.analyticsIds()).containsExactly(id);
    }

    @Test
    void malformedJsonIsA400AtTheRoot() {
        byte[] body = "{\"eventType\": \"analytics_record_created\",".getBytes();

        HttpResponse<String> r = server.post(body, Webhooks.standard(secret, body));

        assertThat(r.statusCode()).isEqualTo(400);
        Map<String, Object> answer = json(r.body());
        assertThat(answer).containsEntry("error", "malformed_json").containsKey("message");
        assertThat(answer.get("violations").toString()).contains("path=$");
    }

    /**
     * The original system's notifier, byte for byte: its body (no latencyMs, responseTimestamp or performance) with
     * its legacy header, the signature computed by openssl (the shared known-answer vectors). Stored as sent.
     */
    @Test
    void theOriginalNotifiersExactRequestIsStoredWithoutLatency() {
        SignatureVectors.Legacy vector = SignatureVectors.legacy("original-notifier-body");
        byte[] body = Examples.get(Contract.WEBHOOK_BODY, Examples.Kind.VALID, "original-notifier")
                .bytes();
        assertThat(vector.payload()).isEqualTo(body);
        String id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
        try (FunctionServer original = FunctionServer.start(emulator.config(WebhookSecret.parse(vector.secret())))) {
            HttpResponse<String> r = original.post(body, Map.of("X-Webhook-Signature", vector.signature()));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r.body())).containsEntry("status", "stored").containsEntry("requestId", id);
        }
        Map<String, Object> doc = emulator.analytics(id).orElseThrow();
        assertThat(doc.keySet())
                .containsExactlyInAnyOrder(
                        "requestId",
                        "query",
                        "matchType",
                        "matchScore",
                        "reasoning",
                        "vectorMatches",
                        "sessionId",
                        "week",
                        "timestamp",
                        "receivedAt");
        assertThat(doc)
                .containsEntry("matchScore", 92L)
                .containsEntry("vectorMatches", 5L)
                .containsEntry("timestamp", 1763980800000L)
                .doesNotContainKeys("latencyMs", "responseTimestamp");
        assertThat(emulator.counters(DAY)).containsEntry("total", 1L).containsEntry("matchType_full", 1L);
    }

    @Test
    void unknownExtraFieldsAreAcceptedButNotStored() {
        byte[] body = Examples.get(Contract.WEBHOOK_BODY, Examples.Kind.VALID, "extra-fields")
                .bytes();

        HttpResponse<String> r = server.post(body, Webhooks.legacy(secret, body));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> doc =
                emulator.analytics("9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d").orElseThrow();
        assertThat(doc)
                .doesNotContainKeys("userAgent", "source", "eventType", "latencyMs")
                .containsKey("query");
    }

    @Test
    void everyInvalidContractExampleIsA400ListingItsViolations() {
        for (Examples.Example example : Examples.all(Contract.WEBHOOK_BODY, Examples.Kind.INVALID)) {
            HttpResponse<String> r = server.post(example.bytes(), Webhooks.standard(secret, example.bytes()));

            assertThat(r.statusCode()).as(example.name() + ": " + r.body()).isEqualTo(400);
            Map<String, Object> answer = json(r.body());
            assertThat(answer).containsEntry("error", "invalid_payload");
            @SuppressWarnings("unchecked")
            List<Map<String, String>> violations = (List<Map<String, String>>) answer.get("violations");
            assertThat(violations)
                    .as(example.name())
                    .isNotEmpty()
                    .allSatisfy(v -> assertThat(v).containsKeys("path", "message"));
            assertThat(violations)
                    .extracting(v -> v.get("path"))
                    .as(example.name())
                    .containsExactlyInAnyOrderElementsOf(
                            Examples.expected(Contract.WEBHOOK_BODY, example.name()).stream()
                                    .map(Examples.Expected::path)
                                    .toList());
        }
        assertThat(emulator.analyticsIds()).isEmpty();
    }

    @Test
    void oversizedBodyIs413WithOrWithoutContentLength() {
        byte[] big = new byte[65_537];
        java.util.Arrays.fill(big, (byte) ' ');
        Map<String, String> headers = Webhooks.legacy(secret, big);

        HttpResponse<String> withLength = server.post(big, headers);
        assertThat(withLength.statusCode()).isEqualTo(413);
        assertThat(json(withLength.body())).containsEntry("error", "payload_too_large");

        // Chunked: no Content-Length, so the receiver must stop reading after limit + 1 bytes.
        HttpRequest.Builder chunked = HttpRequest.newBuilder(server.uri("/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        headers.forEach(chunked::header);
        HttpResponse<String> withoutLength = server.send(chunked.build());
        assertThat(withoutLength.statusCode()).isEqualTo(413);

        // Exactly at the limit is not "too large": it gets as far as JSON parsing.
        byte[] atLimit = java.util.Arrays.copyOf(big, 65_536);
        assertThat(server.post(atLimit, Webhooks.legacy(secret, atLimit)).statusCode())
                .isEqualTo(400);
    }

    @Test
    void nonPostIs405ExceptHealthz() {
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> r = server.send(
                    method, "/", method.equals("GET") || method.equals("DELETE") ? null : new byte[] {1}, Map.of());
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(json(r.body())).containsEntry("error", "method_not_allowed");
            assertThat(r.headers().firstValue("Allow")).contains("POST");
        }
        HttpResponse<String> health = server.send("GET", "/healthz", null, Map.of());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health.body())).containsEntry("status", "ok").containsEntry("version", "0.1.0");
        assertThat(server.send("PUT", "/healthz", new byte[0], Map.of()).statusCode())
                .isEqualTo(405);
    }

    @Test
    void previousSecretIsAcceptedDuringRotation() {
        WebhookSecret next = WebhookSecret.random();
        ReceiverConfig rotating = withEnv(Map.of(
                ReceiverConfig.WEBHOOK_SECRET, next.reveal(),
                ReceiverConfig.WEBHOOK_SECRET_PREVIOUS, secret.reveal()));
        try (FunctionServer rotated = FunctionServer.start(rotating)) {
            String a = Webhooks.newId();
            byte[] oldSigned = Webhooks.body(a);
            assertThat(rotated.post(oldSigned, Webhooks.standard(secret, oldSigned))
                            .statusCode())
                    .isEqualTo(200);
            String b = Webhooks.newId();
            byte[] newSigned = Webhooks.body(b);
            assertThat(rotated.post(newSigned, Webhooks.legacy(next, newSigned)).statusCode())
                    .isEqualTo(200);
            byte[] other = Webhooks.body(Webhooks.newId());
            assertUnauthorized(rotated.post(other, Webhooks.standard(WebhookSecret.random(), other)), "bad_signature");
            assertThat(emulator.analyticsIds()).containsExactlyInAnyOrder(a, b);
        }
        // Once rotation ends (no previous secret), the old secret no longer works.
        byte[] late = Webhooks.body(Webhooks.newId());
        try (FunctionServer rotated =
                FunctionServer.start(withEnv(Map.of(ReceiverConfig.WEBHOOK_SECRET, next.reveal())))) {
            assertUnauthorized(rotated.post(late, Webhooks.standard(secret, late)), "bad_signature");
        }
    }

    @Test
    void legacyIsRefusedWhenSwitchedOff() {
        try (FunctionServer strict =
                FunctionServer.start(withEnv(Map.of(ReceiverConfig.WEBHOOK_ACCEPT_LEGACY, "false")))) {
            byte[] body = Webhooks.body(Webhooks.newId());
            assertUnauthorized(strict.post(body, Webhooks.legacy(secret, body)), "legacy_refused");
            assertThat(emulator.analyticsIds()).isEmpty();
            assertThat(strict.post(body, Webhooks.standard(secret, body)).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void overTheRateLimitIs429WithRetryAfter() {
        ReceiverConfig limited =
                withEnv(Map.of(ReceiverConfig.RATE_LIMIT_PER_SECOND, "1", ReceiverConfig.RATE_LIMIT_BURST, "2"));
        // the clock held still: no token comes back between the five requests, however slow the machine is
        java.time.Clock held = java.time.Clock.fixed(java.time.Instant.now(), java.time.ZoneOffset.UTC);
        try (FunctionServer slow = FunctionServer.start(limited, held)) {
            byte[] body = Webhooks.body(Webhooks.newId());
            List<HttpResponse<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(slow.post(body, Webhooks.legacy(secret, body)));
            }
            HttpResponse<String> limitedAnswer = answers.stream()
                    .filter(a -> a.statusCode() == 429)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no 429 among "
                            + answers.stream().map(HttpResponse::statusCode).toList()));
            assertThat(json(limitedAnswer.body())).containsEntry("error", "rate_limited");
            assertThat(limitedAnswer.headers().firstValue("Retry-After"))
                    .hasValueSatisfying(v -> assertThat(Long.parseLong(v))
                            .as("1 token a second, none back yet")
                            .isEqualTo(1L));
            assertThat(answers.get(0).statusCode()).isEqualTo(200);
            // An unsigned request is answered 401, not 429: it is checked before, and never counted in, the
            // budget of signed requests (it has a budget of its own; see ForgedFloodTest).
            assertUnauthorized(slow.post(body, Map.of()), "missing_signature");
        }
    }

    @Test
    void storeOutageIs503Quickly() {
        int closedPort = FirestoreEmulator.freePort(); // nothing listens here
        ReceiverConfig down = withEnv(Map.of(ReceiverConfig.FIRESTORE_EMULATOR_HOST, "127.0.0.1:" + closedPort))
                .withStoreTimeout(Duration.ofSeconds(2));
        try (FunctionServer broken = FunctionServer.start(down)) {
            String id = Webhooks.newId();
            byte[] body = Webhooks.body(id);
            Map<String, String> headers = Webhooks.standard(secret, body);
            long start = System.nanoTime();
            HttpResponse<String> r = broken.post(body, headers);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(json(r.body())).containsEntry("error", "store_unavailable");
            // Not a timing test: the bound only tells "the 2 s store timeout applied" from "the Firestore client's
            // own retries applied" (a minute or more), with ten times the timeout as room for a busy machine.
            System.out.println("503 after " + millis + " ms (store timeout " + down.storeTimeout() + ")");
            assertThat(Duration.ofMillis(millis))
                    .as("answered on the store timeout, in %d ms", millis)
                    .isLessThan(down.storeTimeout().multipliedBy(10));
            // Nothing was stored, so the very same request may be resent (not "replayed").
            assertThat(broken.post(body, headers).statusCode()).isEqualTo(503);
            // ...and once the store is back, the same delivery is stored.
            assertThat(server.post(body, headers).statusCode()).isEqualTo(200);
        }
    }

    private ReceiverConfig withEnv(Map<String, String> overrides) {
        Map<String, String> env = emulator.env(secret);
        env.putAll(overrides);
        return ReceiverConfig.fromEnv(env);
    }

    private static void assertUnauthorized(HttpResponse<String> r, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        Map<String, Object> answer = json(r.body());
        assertThat(answer).containsEntry("error", error);
        assertThat((String) answer.get("message")).isNotBlank();
        assertThat(answer).containsOnlyKeys("error", "message");
        assertThat(Optional.ofNullable(r.headers().firstValue("Content-Type").orElse(null)))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    }
}
