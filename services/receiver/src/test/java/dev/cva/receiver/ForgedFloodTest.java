package dev.cva.receiver;

import static dev.cva.receiver.Webhooks.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.testing.TestSeed;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 25, point 5: a flood of forged requests, sent from many threads at the real function (invoker and
 * Firestore emulator), cannot take the signed budget from the notifier's real webhooks sent at the same time.
 * The function's clock is fixed, so no bucket ever refills and every count below is exact: the signed budget
 * is exactly the number of real webhooks (one forged request spending a signed token would make a real one 429),
 * the unauthenticated budget is {@value #FAILED_BURST}, so exactly that many forgeries get 401 and the rest 429.
 */
@ExtendWith(EmulatorExtension.class)
class ForgedFloodTest {
    private static final long SEED = 20250525L;
    private static final int THREADS = 8;
    private static final int REAL = 40;
    private static final int FORGED = 400;
    private static final int FAILED_BURST = 5;

    @Test
    void forgedFloodGets401Or429AndEveryRealWebhookIsStored(FirestoreEmulator emulator) throws Exception {
        TestSeed.check("ForgedFloodTest", SEED, seed -> flood(emulator, seed));
    }

    private void flood(FirestoreEmulator emulator, long seed) throws Exception {
        WebhookSecret secret = WebhookSecret.random();
        Map<String, String> env = emulator.env(secret);
        env.put(ReceiverConfig.RATE_LIMIT_PER_SECOND, "1");
        env.put(ReceiverConfig.RATE_LIMIT_BURST, Integer.toString(REAL + 1)); // + the one sent before the flood
        env.put(ReceiverConfig.UNAUTHENTICATED_RATE_LIMIT_PER_SECOND, "1");
        env.put(ReceiverConfig.UNAUTHENTICATED_RATE_LIMIT_BURST, Integer.toString(FAILED_BURST));
        Instant now = Instant.now();
        Clock frozen = Clock.fixed(now, ZoneOffset.UTC);

        try (FunctionServer server = FunctionServer.start(ReceiverConfig.fromEnv(env), frozen)) {
            // One real webhook before the flood: the forgers replay it, byte for byte.
            String capturedId = Webhooks.newId();
            byte[] captured = Webhooks.body(capturedId);
            Map<String, String> capturedHeaders = Webhooks.standard(secret, captured, "msg_" + capturedId, now);
            assertThat(server.post(captured, capturedHeaders).statusCode()).isEqualTo(200);

            Random rnd = new Random(seed);
            List<Callable<Sent>> tasks = new ArrayList<>();
            Set<String> realIds = new HashSet<>();
            for (int i = 0, real = 0, forged = 0; real < REAL || forged < FORGED; i++) {
                if (real < REAL && (i % 11 == 0 || forged == FORGED)) {
                    String id = Webhooks.newId();
                    realIds.add(id);
                    byte[] body = Webhooks.body(id);
                    Map<String, String> headers = real % 2 == 0
                            ? Webhooks.standard(secret, body, "msg_" + id, now)
                            : Webhooks.legacy(secret, body);
                    tasks.add(() -> new Sent(true, id, server.post(body, headers)));
                    real++;
                } else {
                    Forgery f = forgery(rnd.nextInt(5), secret, now, captured, capturedHeaders);
                    tasks.add(() -> new Sent(false, f.kind(), server.post(f.body(), f.headers())));
                    forged++;
                }
            }

            List<Sent> sent = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                for (Future<Sent> f : pool.invokeAll(tasks)) {
                    sent.add(f.get());
                }
            } finally {
                pool.shutdownNow();
            }

            List<Sent> reals = sent.stream().filter(Sent::real).toList();
            List<Sent> forgeries = sent.stream().filter(s -> !s.real()).toList();
            assertThat(reals).hasSize(REAL).allSatisfy(s -> {
                assertThat(s.response().statusCode())
                        .as(s.label() + ": " + s.response().body())
                        .isEqualTo(200);
                assertThat(json(s.response().body())).containsEntry("status", "stored");
            });
            // a forgery is refused (401); a replay of the captured request is told the truth, a duplicate (200,
            // nothing written); both spend the unauthenticated budget only, and get 429 once it is spent
            assertThat(forgeries).hasSize(FORGED).allSatisfy(s -> {
                if (s.label().equals("replay")) {
                    assertThat(s.response().statusCode())
                            .as(s.label() + ": " + s.response().body())
                            .isIn(200, 429);
                    if (s.response().statusCode() == 200) {
                        assertThat(json(s.response().body())).containsEntry("status", "duplicate");
                    }
                } else {
                    assertThat(s.response().statusCode())
                            .as(s.label() + ": " + s.response().body())
                            .isIn(401, 429);
                }
            });
            List<Sent> answered = forgeries.stream()
                    .filter(s -> s.response().statusCode() != 429)
                    .toList();
            List<Sent> limited = forgeries.stream()
                    .filter(s -> s.response().statusCode() == 429)
                    .toList();
            assertThat(answered).hasSize(FAILED_BURST);
            assertThat(limited).hasSize(FORGED - FAILED_BURST).allSatisfy(s -> {
                assertThat(json(s.response().body())).containsEntry("error", "rate_limited");
                assertThat(s.response().headers().firstValue("Retry-After")).isPresent();
            });

            Set<String> expected = new HashSet<>(realIds);
            expected.add(capturedId);
            assertThat(emulator.analyticsIds()).containsExactlyInAnyOrderElementsOf(expected);

            // The signed budget was exactly the real webhooks': it is spent now, so one more real one is limited
            // (proof that no forgery took a signed token), while forged requests go on being refused by theirs.
            byte[] extra = Webhooks.body(Webhooks.newId());
            HttpResponse<String> over = server.post(extra, Webhooks.standard(secret, extra, "msg_extra", now));
            assertThat(over.statusCode()).as(over.body()).isEqualTo(429);
            assertThat(server.post(extra, Map.of()).statusCode()).isEqualTo(429);
        }
    }

    private record Sent(boolean real, String label, HttpResponse<String> response) {}

    private record Forgery(String kind, byte[] body, Map<String, String> headers) {}

    /** Unsigned, signed with another secret, tampered, stale, or an exact replay of a stored webhook. */
    private static Forgery forgery(
            int kind, WebhookSecret secret, Instant now, byte[] captured, Map<String, String> capturedHeaders) {
        byte[] body = Webhooks.body(Webhooks.newId());
        return switch (kind) {
            case 0 -> new Forgery("unsigned", body, Map.of());
            case 1 -> new Forgery("other secret", body, Webhooks.standard(WebhookSecret.random(), body));
            case 2 -> {
                Map<String, String> headers = new HashMap<>(Webhooks.legacy(secret, body));
                byte[] tampered = new String(body)
                        .replace("\"matchScore\":92", "\"matchScore\":100")
                        .getBytes();
                yield new Forgery("tampered", tampered, headers);
            }
            case 3 ->
                new Forgery(
                        "stale", body, Webhooks.standard(secret, body, "msg_stale", now.minus(Duration.ofMinutes(10))));
            default -> new Forgery("replay", captured, capturedHeaders);
        };
    }
}
