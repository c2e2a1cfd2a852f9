package dev.cva.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.contracts.SignatureVectors;
import dev.cva.contracts.webhook.WebhookSecret;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The receiver's rules and their order, without HTTP or Firestore (see ReceiverFunctionTest for those). */
class WebhookReceiverTest {
    private final WebhookSecret secret = WebhookSecret.random();
    private final InMemoryAnalyticsStore store = new InMemoryAnalyticsStore();

    /** Rate limits never refill under a fixed clock, so every count is exact. */
    private final Clock frozen = Clock.fixed(java.time.Instant.now(), java.time.ZoneOffset.UTC);

    private WebhookReceiver receiver(Map<String, String> extraEnv) {
        return new WebhookReceiver(config(extraEnv), store, Clock.systemUTC());
    }

    private ReceiverConfig config(Map<String, String> extraEnv) {
        Map<String, String> env = new java.util.HashMap<>(
                Map.of(ReceiverConfig.WEBHOOK_SECRET, secret.reveal(), ReceiverConfig.FIRESTORE_PROJECT, "demo-unit"));
        env.putAll(extraEnv);
        return ReceiverConfig.fromEnv(env);
    }

    private static WebhookReceiver.Request post(byte[] body, Map<String, String> headers) {
        return request("POST", body, headers, OptionalLong.of(body.length));
    }

    private static WebhookReceiver.Request request(
            String method, byte[] body, Map<String, String> headers, OptionalLong length) {
        Map<String, List<String>> h =
                headers.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
        return new WebhookReceiver.Request(method, "/", h, length, new ByteArrayInputStream(body));
    }

    @Test
    void storesASignedBodyAndAnswersDuplicateForTheSecondDelivery() {
        WebhookReceiver receiver = receiver(Map.of());
        String id = Webhooks.newId();
        byte[] body = Webhooks.body(id);

        Response first = receiver.handle(post(body, Webhooks.standard(secret, body)));
        Response second = receiver.handle(post(body, Webhooks.legacy(secret, body)));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).containsEntry("status", "stored").containsEntry("requestId", id);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).containsEntry("status", "duplicate").containsEntry("duplicate", true);
        assertThat(store.totals).containsEntry("2025-11-24", 1L);
        assertThat(store.records.get(id).fields()).containsKey("receivedAt").doesNotContainKey("eventType");
    }

    /**
     * The shared known-answer vectors (Standard Webhooks' published example; legacy values from openssl): the
     * receiver verifies each, at the vector's own time. The spec's payload is no webhook body, so a verified
     * signature shows as 400 invalid_payload, a rejected one would be 401.
     */
    @Test
    void verifiesTheKnownAnswerVectors() {
        for (SignatureVectors.Standard v : SignatureVectors.standard()) {
            Clock at = Clock.fixed(java.time.Instant.ofEpochSecond(v.timestamp()), java.time.ZoneOffset.UTC);
            WebhookReceiver receiver = new WebhookReceiver(
                    ReceiverConfig.fromEnv(Map.of(
                            ReceiverConfig.WEBHOOK_SECRET, v.secret(), ReceiverConfig.FIRESTORE_PROJECT, "demo-unit")),
                    store,
                    at);
            Map<String, String> headers = Map.of(
                    "webhook-id",
                    v.id(),
                    "webhook-timestamp",
                    Long.toString(v.timestamp()),
                    "webhook-signature",
                    v.signature());
            Response r = receiver.handle(post(v.payload(), headers));
            assertThat(r.status()).as(v.name() + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).containsEntry("error", "invalid_payload");
            byte[] other = "{\"test\": 2432232315}".getBytes();
            assertThat(receiver.handle(post(other, headers)).status())
                    .as("another payload")
                    .isEqualTo(401);
        }
        String current = SignatureVectors.legacy("original-notifier-body").secret();
        for (SignatureVectors.Legacy v : SignatureVectors.legacy()) {
            Map<String, String> env = new java.util.HashMap<>(
                    Map.of(ReceiverConfig.WEBHOOK_SECRET, current, ReceiverConfig.FIRESTORE_PROJECT, "demo-unit"));
            if (!v.secret().equals(current)) {
                env.put(ReceiverConfig.WEBHOOK_SECRET_PREVIOUS, v.secret());
            }
            WebhookReceiver receiver = new WebhookReceiver(ReceiverConfig.fromEnv(env), store, Clock.systemUTC());
            Response r = receiver.handle(post(v.payload(), Map.of("X-Webhook-Signature", v.signature())));
            assertThat(r.status()).as(v.name() + ": " + r.body()).isIn(200, 400);
            assertThat(r.body().get("error"))
                    .as(v.name())
                    .isNotIn("bad_signature", "missing_signature", "malformed_header");
        }
    }

    @Test
    void checksRunInTheDesignedOrder() {
        WebhookReceiver receiver = new WebhookReceiver(
                config(Map.of(
                        ReceiverConfig.MAX_BODY_BYTES,
                        "10",
                        ReceiverConfig.RATE_LIMIT_BURST,
                        "1",
                        ReceiverConfig.UNAUTHENTICATED_RATE_LIMIT_BURST,
                        "1")),
                store,
                frozen);
        byte[] big = new byte[11];
        // method before size
        assertThat(receiver.handle(request("PUT", big, Map.of(), OptionalLong.of(11)))
                        .status())
                .isEqualTo(405);
        // size before everything else (unsigned, and twice: no token of either budget is spent on it)
        assertThat(receiver.handle(post(big, Map.of())).status()).isEqualTo(413);
        assertThat(receiver.handle(request("POST", big, Map.of(), OptionalLong.empty()))
                        .status())
                .isEqualTo(413);
        // signature before JSON parsing: signed garbage is 400 (this spends the only signed token)...
        byte[] garbage = "{not json".getBytes();
        assertThat(receiver.handle(post(garbage, Webhooks.legacy(secret, garbage)))
                        .status())
                .isEqualTo(400);
        // ...unsigned garbage is 401, not 400, and not 429: it spends a token of the other budget
        Response unsigned = receiver.handle(post(garbage, Map.of()));
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.body()).containsEntry("error", "missing_signature");
        // signature before rate: the next signed request is limited by the signed budget
        Response limited = receiver.handle(post(garbage, Webhooks.legacy(secret, garbage)));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body()).containsEntry("error", "rate_limited");
        assertThat(limited.headers()).containsEntry("Retry-After", "1");
        // and the next unsigned one by the unauthenticated budget
        Response refused = receiver.handle(post(garbage, Map.of()));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.error()).isEqualTo("rate_limited");
        assertThat(refused.logDetail()).isEqualTo("missing_signature");
    }

    /** Issue 25, point 5: only verified, fresh, first-seen requests spend the signed budget. */
    @Test
    void failedAuthenticationNeverSpendsTheSignedBudget() {
        WebhookReceiver receiver = new WebhookReceiver(
                config(Map.of(
                        ReceiverConfig.RATE_LIMIT_BURST, "2", ReceiverConfig.UNAUTHENTICATED_RATE_LIMIT_BURST, "3")),
                store,
                frozen);
        byte[] first = Webhooks.body(Webhooks.newId());
        Map<String, String> firstHeaders = Webhooks.standard(secret, first, "msg_first", frozen.instant());
        assertThat(receiver.handle(post(first, firstHeaders)).status()).isEqualTo(200);

        byte[] body = Webhooks.body(Webhooks.newId());
        List<Map<String, String>> forgeries = List.of(
                Map.of(),
                Webhooks.standard(WebhookSecret.random(), body),
                Webhooks.standard(secret, body, "msg_stale", frozen.instant().minusSeconds(301)),
                Webhooks.standard(secret, body, "msg_future", frozen.instant().plusSeconds(301)),
                Map.of("webhook-signature", "v1,AAAA"));
        for (int i = 0; i < forgeries.size(); i++) {
            assertThat(receiver.handle(post(body, forgeries.get(i))).status())
                    .as("forgery " + i)
                    .isEqualTo(i < 3 ? 401 : 429);
        }
        // an exact replay of the stored request is refused by the unauthenticated budget too
        Response replay = receiver.handle(post(first, firstHeaders));
        assertThat(replay.status()).isEqualTo(429);
        assertThat(replay.logDetail()).isEqualTo("replayed");

        // the signed budget had two tokens; the first request took one, and not one forgery took the other
        assertThat(receiver.handle(post(body, Webhooks.standard(secret, body))).status())
                .isEqualTo(200);
        byte[] third = Webhooks.body(Webhooks.newId());
        Map<String, String> thirdHeaders = Webhooks.standard(secret, third, "msg_third", frozen.instant());
        assertThat(receiver.handle(post(third, thirdHeaders)).status()).isEqualTo(429);
        assertThat(store.records).hasSize(2);
    }

    /** A signed request refused for rate is not stored, so its exact resend is not a replay. */
    @Test
    void aRateLimitedSignedRequestMayBeResentAsIsOnceTheBucketRefills() {
        MutableClock clock = new MutableClock(frozen.instant());
        WebhookReceiver receiver = new WebhookReceiver(
                config(Map.of(ReceiverConfig.RATE_LIMIT_PER_SECOND, "1", ReceiverConfig.RATE_LIMIT_BURST, "1")),
                store,
                clock);
        byte[] a = Webhooks.body(Webhooks.newId());
        assertThat(receiver.handle(post(a, Webhooks.standard(secret, a, "msg_a", clock.instant())))
                        .status())
                .isEqualTo(200);
        byte[] b = Webhooks.body(Webhooks.newId());
        Map<String, String> headers = Webhooks.standard(secret, b, "msg_b", clock.instant());
        Response limited = receiver.handle(post(b, headers));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).containsEntry("Retry-After", "1");

        clock.advance(java.time.Duration.ofSeconds(1));
        assertThat(receiver.handle(post(b, headers)).status()).isEqualTo(200);
        assertThat(store.records).hasSize(2);
    }

    @Test
    void signedGarbageIs400AndSignedTrailingContentIsRejected() {
        WebhookReceiver receiver = receiver(Map.of());
        byte[] garbage = "{not json".getBytes();
        assertThat(receiver.handle(post(garbage, Webhooks.legacy(secret, garbage)))
                        .body())
                .containsEntry("error", "malformed_json");
        byte[] trailing = (new String(Webhooks.body(Webhooks.newId())) + " {}").getBytes();
        assertThat(receiver.handle(post(trailing, Webhooks.legacy(secret, trailing)))
                        .body())
                .containsEntry("error", "malformed_json");
        byte[] duplicateKey = new String(Webhooks.body(Webhooks.newId()))
                .replace("{\"eventType\"", "{\"timestamp\":1,\"eventType\"")
                .getBytes();
        assertThat(receiver.handle(post(duplicateKey, Webhooks.legacy(secret, duplicateKey)))
                        .body())
                .containsEntry("error", "malformed_json");
        byte[] empty = new byte[0];
        assertThat(receiver.handle(post(empty, Webhooks.legacy(secret, empty))).status())
                .isEqualTo(400);
        assertThat(store.records).isEmpty();
    }

    @Test
    void anUnstoredRequestMayBeResentAsIsAndAStoredOneIsADuplicate() {
        WebhookReceiver receiver = receiver(Map.of());
        byte[] body = Webhooks.body(Webhooks.newId());
        Map<String, String> headers = Webhooks.standard(secret, body);
        store.down.set(true);
        Response outage = receiver.handle(post(body, headers));
        assertThat(outage.status()).isEqualTo(503);
        assertThat(outage.body()).containsEntry("error", "store_unavailable");
        assertThat(outage.headers()).containsKey("Retry-After");

        store.down.set(false);
        assertThat(receiver.handle(post(body, headers)).status()).isEqualTo(200);
        Response repeat = receiver.handle(post(body, headers));
        assertThat(repeat.status()).isEqualTo(200);
        assertThat(repeat.body()).containsEntry("status", "duplicate");
        assertThat(repeat.logDetail()).isEqualTo("replayed");
        assertThat(store.records).hasSize(1);
        assertThat(store.totals.values()).containsExactly(1L);
    }

    @Test
    void theSameRequestWhileTheFirstIsBeingStoredIsToldToComeAgain() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AnalyticsStore slow = record -> {
            entered.countDown();
            try {
                proceed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return store.store(record);
        };
        WebhookReceiver receiver = new WebhookReceiver(config(Map.of()), slow, Clock.systemUTC());
        byte[] body = Webhooks.body(Webhooks.newId());
        Map<String, String> headers = Webhooks.standard(secret, body);
        ExecutorService first = Executors.newSingleThreadExecutor();
        try {
            Future<Response> storing = first.submit(() -> receiver.handle(post(body, headers)));
            assertThat(entered.await(1, TimeUnit.MINUTES)).isTrue();
            Response meanwhile = receiver.handle(post(body, headers));
            assertThat(meanwhile.status()).isEqualTo(429);
            assertThat(meanwhile.body()).containsEntry("error", "in_progress");
            assertThat(meanwhile.headers()).containsEntry("Retry-After", "1");
            proceed.countDown();
            assertThat(storing.get(1, TimeUnit.MINUTES).status()).isEqualTo(200);
            assertThat(receiver.handle(post(body, headers)).body()).containsEntry("status", "duplicate");
            assertThat(store.records).hasSize(1);
        } finally {
            proceed.countDown();
            first.shutdownNow();
        }
    }

    @Test
    void aSignatureHeaderWithSeveralSignaturesPassesWhenOneMatches() {
        WebhookReceiver receiver = receiver(Map.of());
        byte[] body = Webhooks.body(Webhooks.newId());
        Map<String, String> headers = new java.util.HashMap<>(Webhooks.standard(secret, body));
        Map<String, String> other = Webhooks.standard(
                WebhookSecret.random(),
                body,
                headers.get("webhook-id"),
                java.time.Instant.ofEpochSecond(Long.parseLong(headers.get("webhook-timestamp"))));
        headers.put("webhook-signature", other.get("webhook-signature") + " " + headers.get("webhook-signature"));
        assertThat(receiver.handle(post(body, headers)).status()).isEqualTo(200);

        byte[] second = Webhooks.body(Webhooks.newId());
        Map<String, String> onlyOthers = new java.util.HashMap<>(Webhooks.standard(WebhookSecret.random(), second));
        assertThat(receiver.handle(post(second, onlyOthers)).body()).containsEntry("error", "bad_signature");
    }

    @Test
    void hugeIntegersAreRefusedAsUnstorable() {
        WebhookReceiver receiver = receiver(Map.of());
        byte[] body = new String(Webhooks.body(Webhooks.newId()))
                .replace("\"vectorMatches\":5", "\"vectorMatches\":123456789012345678901234567890")
                .getBytes();
        Response r = receiver.handle(post(body, Webhooks.legacy(secret, body)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).containsEntry("error", "unstorable");
        assertThat(r.body().get("violations").toString()).contains("$.data.vectorMatches");
    }

    @Test
    void readsAtMostLimitPlusOneBytesOfAnEndlessBody() throws Exception {
        int[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return ' ';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) ' ');
                served[0] += len;
                return len;
            }
        };
        assertThat(BoundedBody.read(endless, 1000)).isEmpty();
        assertThat(served[0]).isEqualTo(1001);
        assertThat(BoundedBody.read(new ByteArrayInputStream(new byte[1000]), 1000))
                .hasValueSatisfying(b -> assertThat(b).hasSize(1000));
    }
}
