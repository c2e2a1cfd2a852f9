package dev.cva.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.contracts.Contract;
import dev.cva.contracts.Examples;
import dev.cva.contracts.webhook.WebhookHeaders;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.testing.TestSeed;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 1,200 random and mutated requests against the function under the invoker and the emulator. Invariants:
 * no 5xx at all (the store is up), every error is {@code {"error","message"}} JSON, nothing whose signature
 * is broken is ever accepted, and afterwards every stored document came from a correctly signed request.
 * The seed is fixed ({@value #DEFAULT_SEED}) so every run is the same; pass {@code -Dcva.test.seed=<n>} ({@link TestSeed}) to explore
 * others. The seed is printed, and every failure message names it with the command that replays it (the secret
 * and every request are derived from it).
 */
@ExtendWith(EmulatorExtension.class)
class ReceiverFuzzTest {
    static final long DEFAULT_SEED = 20261202L;
    private static final int REQUESTS = 1_200;
    private static final String[] METHODS = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS", "POST", "POST", "POST"};
    private static final String[] SHAPES = {"full-match", "partial-match", "anonymous-no-match", "original-notifier"};
    private static final String[] PATHS = {"/", "/healthz", "/x", "/webhook?a=b"};

    private WebhookSecret secret;

    static String rerun(long seed) {
        return "rerun with: ./mvnw -B -o -pl services/receiver -am test -Dtest=ReceiverFuzzTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -D" + TestSeed.PROPERTY + "=" + seed;
    }

    @Test
    void randomAndMutatedRequestsNeverBreakTheInvariants(FirestoreEmulator emulator) {
        long seed = TestSeed.of("ReceiverFuzzTest", DEFAULT_SEED);
        System.out.println("fuzz " + rerun(seed));
        Random rnd = new Random(seed);
        byte[] key = new byte[32];
        rnd.nextBytes(key);
        secret = WebhookSecret.parse(
                WebhookSecret.PREFIX + java.util.Base64.getEncoder().encodeToString(key));
        Map<String, String> env = emulator.env(secret);
        env.put(ReceiverConfig.RATE_LIMIT_PER_SECOND, "1000000");
        env.put(ReceiverConfig.RATE_LIMIT_BURST, "1000000");
        env.put(ReceiverConfig.UNAUTHENTICATED_RATE_LIMIT_PER_SECOND, "1000000");
        env.put(ReceiverConfig.UNAUTHENTICATED_RATE_LIMIT_BURST, "1000000");
        Map<String, Integer> statuses = new TreeMap<>();
        Set<String> acceptedFromValidSignatures = new HashSet<>();
        List<byte[]> bases = new ArrayList<>();
        Examples.all(Contract.WEBHOOK_BODY, Examples.Kind.VALID).forEach(e -> bases.add(e.bytes()));
        Examples.all(Contract.WEBHOOK_BODY, Examples.Kind.INVALID).forEach(e -> bases.add(e.bytes()));

        try (FunctionServer server = FunctionServer.start(ReceiverConfig.fromEnv(env))) {
            for (int i = 0; i < REQUESTS; i++) {
                int kind = rnd.nextInt(6);
                String where = "seed " + seed + ", request " + i + ", kind " + kind + " [" + rerun(seed) + "]";
                HttpResponse<String> r;
                boolean validSignature = false;
                switch (kind) {
                    case 0 -> { // random bytes, random or no headers
                        byte[] body = randomBytes(
                                rnd, rnd.nextInt(10) == 0 ? 65_000 + rnd.nextInt(2_000) : rnd.nextInt(2_000));
                        Map<String, String> headers = randomHeaders(rnd);
                        // over the 64 KiB limit the Content-Length alone refuses it, unread
                        r = sendOrReset(
                                server,
                                () -> server.post(body, headers),
                                body.length > MAX_BODY,
                                where,
                                statuses,
                                kind);
                        if (r == null) {
                            continue;
                        }
                    }
                    case 1 -> { // a mutated body under the original body's signature
                        byte[] original = Webhooks.body(pick(rnd, SHAPES), id(rnd));
                        byte[] mutated = mutate(rnd, original);
                        Map<String, String> headers = rnd.nextBoolean()
                                ? Webhooks.standard(secret, original)
                                : Webhooks.legacy(secret, original);
                        r = server.post(mutated, headers);
                        validSignature = java.util.Arrays.equals(original, mutated);
                    }
                    case 2 -> { // a mutated (or invalid) body, correctly signed: 200 or 400, never 5xx
                        byte[] body = rnd.nextInt(3) == 0
                                ? bases.get(rnd.nextInt(bases.size()))
                                : mutate(rnd, Webhooks.body(pick(rnd, SHAPES), id(rnd)));
                        r = server.post(
                                body,
                                rnd.nextBoolean() ? Webhooks.standard(secret, body) : Webhooks.legacy(secret, body));
                        validSignature = true;
                    }
                    case 3 -> { // a valid body with broken signature headers
                        byte[] body = Webhooks.body(id(rnd));
                        r = server.post(body, breakHeaders(rnd, body));
                    }
                    case 4 -> { // random methods, paths and sizes
                        String method = pick(rnd, METHODS);
                        String path = pick(rnd, PATHS);
                        byte[] body = method.equals("GET") || method.equals("DELETE") || method.equals("OPTIONS")
                                ? null
                                : randomBytes(rnd, rnd.nextInt(5) == 0 ? 70_000 : rnd.nextInt(500));
                        Map<String, String> headers = randomHeaders(rnd);
                        boolean readsIt =
                                "POST".equals(method) && "/".equals(path) && body != null && body.length <= MAX_BODY;
                        r = sendOrReset(
                                server,
                                () -> server.send(method, path, body, headers),
                                body != null && !readsIt,
                                where,
                                statuses,
                                kind);
                        if (r == null) {
                            continue;
                        }
                    }
                    default -> { // control: a correct delivery, in our shape or the original notifier's
                        byte[] body = Webhooks.body(pick(rnd, SHAPES), id(rnd));
                        r = server.post(
                                body,
                                rnd.nextBoolean() ? Webhooks.standard(secret, body) : Webhooks.legacy(secret, body));
                        assertThat(r.statusCode()).as(where + ": " + r.body()).isEqualTo(200);
                        validSignature = true;
                    }
                }
                statuses.merge(kind + ":" + r.statusCode(), 1, Integer::sum);
                assertThat(r.statusCode()).as(where + ": " + r.body()).isLessThan(500);
                Map<String, Object> answer = Webhooks.json(r.body());
                if (r.statusCode() == 200) {
                    if (answer.containsKey("requestId")) {
                        assertThat(validSignature)
                                .as(where + ": accepted without a valid signature: " + r.body())
                                .isTrue();
                        acceptedFromValidSignatures.add((String) answer.get("requestId"));
                    } else {
                        assertThat(answer).as(where).containsEntry("status", "ok"); // GET /healthz
                    }
                } else {
                    assertThat(answer).as(where + ": " + r.body()).containsKeys("error", "message");
                    if (!validSignature && r.statusCode() != 405 && r.statusCode() != 413) {
                        assertThat(r.statusCode()).as(where + ": " + r.body()).isIn(401, 429);
                    }
                }
            }
        }
        System.out.println("fuzz statuses (kind:status=count): " + statuses);
        List<String> stored = emulator.analyticsIds();
        String replay = "seed " + seed + " [" + rerun(seed) + "]";
        assertThat(acceptedFromValidSignatures).as(replay).containsAll(stored);
        assertThat(stored)
                .as(replay + ": the control requests alone store some")
                .isNotEmpty();
        assertThat(emulator.totalCounted())
                .as(replay + ": one count per stored record")
                .isEqualTo(stored.size());
    }

    /** The receiver's default body limit (MAX_BODY_BYTES). */
    private static final int MAX_BODY = 65_536;

    /**
     * Sends, or answers null when the connection was reset under a request the receiver may refuse without reading
     * its body. A server may answer such a request and close the connection (RFC 9112, 9.6); the client, still
     * writing, can then lose the answer to the reset (on a busy machine, twice in a row for the same request). That is
     * allowed only where {@code refusableUnread}, and the receiver must go on serving; anywhere else it is a failure.
     */
    private static HttpResponse<String> sendOrReset(
            FunctionServer server,
            java.util.function.Supplier<HttpResponse<String>> send,
            boolean refusableUnread,
            String where,
            Map<String, Integer> statuses,
            int kind) {
        try {
            return send.get();
        } catch (IllegalStateException e) {
            assertThat(refusableUnread)
                    .as(where + ": a request the receiver reads was reset: " + e)
                    .isTrue();
            assertThat(server.send("GET", "/healthz", null, Map.of()).statusCode())
                    .as(where + ": the receiver serves after a reset")
                    .isEqualTo(200);
            statuses.merge(kind + ":reset", 1, Integer::sum);
            return null;
        }
    }

    /** A requestId from the seed, so a rerun sends the very same bodies. */
    private static String id(Random rnd) {
        return new java.util.UUID(rnd.nextLong(), rnd.nextLong()).toString();
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static String pick(Random rnd, String[] options) {
        return options[rnd.nextInt(options.length)];
    }

    private static byte[] mutate(Random rnd, byte[] original) {
        byte[] b = original.clone();
        int rounds = 1 + rnd.nextInt(4);
        for (int k = 0; k < rounds && b.length > 0; k++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(5)) {
                case 0 -> b[at] = (byte) rnd.nextInt(256);
                case 1 -> b[at] = (byte) (32 + rnd.nextInt(95));
                case 2 -> b = java.util.Arrays.copyOf(b, at); // truncate
                case 3 -> { // delete one byte
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
                default -> { // insert a JSON-ish token
                    byte[] token = pick(rnd, new String[] {"\"", "{", "}", ",", "null", "-1", "1e999", "\\u0000", "[]"})
                            .getBytes();
                    byte[] c = new byte[b.length + token.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(token, 0, c, at, token.length);
                    System.arraycopy(b, at, c, at + token.length, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    /** Headers that cannot verify: each mutation provably breaks the signature, the scheme or the time. */
    private Map<String, String> breakHeaders(Random rnd, byte[] body) {
        Instant now = Instant.now();
        Map<String, String> h = new HashMap<>(
                rnd.nextBoolean() ? Webhooks.standard(secret, body, "msg_fz", now) : Webhooks.legacy(secret, body));
        boolean standard = h.containsKey(WebhookHeaders.SIGNATURE);
        switch (rnd.nextInt(5)) {
            case 0 -> { // change one character of the MAC (not the base64 tail, whose padding bits may not count)
                String key = standard ? WebhookHeaders.SIGNATURE : WebhookHeaders.LEGACY_SIGNATURE;
                String v = h.get(key);
                int from = standard ? 3 : 7;
                int at = from + rnd.nextInt(standard ? 38 : v.length() - from);
                char c = v.charAt(at);
                char replacement = standard ? (c == 'A' ? 'B' : 'A') : (c == '0' ? '1' : '0');
                h.put(key, v.substring(0, at) + replacement + v.substring(at + 1));
            }
            case 1 -> { // drop one header
                List<String> keys = new ArrayList<>(h.keySet());
                h.remove(keys.get(rnd.nextInt(keys.size())));
                if (h.isEmpty()) {
                    h.put("x-unrelated", "1");
                }
            }
            case 2 -> { // move the timestamp (breaks the signature; far moves are stale or future)
                if (standard) {
                    long shift = (rnd.nextBoolean() ? 1 : -1) * (1 + (long) rnd.nextInt(100_000));
                    h.put(WebhookHeaders.TIMESTAMP, Long.toString(now.getEpochSecond() + shift));
                } else {
                    h.put(WebhookHeaders.LEGACY_SIGNATURE, "sha256=" + "0".repeat(64));
                }
            }
            case 3 -> { // change the message id or the scheme prefix
                if (standard) {
                    h.put(WebhookHeaders.ID, h.get(WebhookHeaders.ID) + (char) ('a' + rnd.nextInt(26)));
                } else {
                    h.put(
                            WebhookHeaders.LEGACY_SIGNATURE,
                            h.get(WebhookHeaders.LEGACY_SIGNATURE).replace("sha256=", "sha1="));
                }
            }
            default -> { // garbage values
                h.replaceAll((k, v) -> randomPrintable(rnd, rnd.nextInt(80)));
            }
        }
        return h;
    }

    private static Map<String, String> randomHeaders(Random rnd) {
        Map<String, String> h = new HashMap<>();
        String[] names = {
            WebhookHeaders.ID,
            WebhookHeaders.TIMESTAMP,
            WebhookHeaders.SIGNATURE,
            WebhookHeaders.LEGACY_SIGNATURE,
            "Content-Type",
            "X-Random"
        };
        int n = rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            String name = pick(rnd, names);
            String value = switch (rnd.nextInt(4)) {
                case 0 -> Long.toString(Instant.now().getEpochSecond() + rnd.nextInt(20) - 10);
                case 1 -> "v1," + randomPrintable(rnd, 44);
                case 2 -> "sha256=" + randomPrintable(rnd, 64);
                default -> randomPrintable(rnd, rnd.nextInt(200));
            };
            h.put(name, value);
        }
        return h;
    }

    private static String randomPrintable(Random rnd, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            sb.append((char) (33 + rnd.nextInt(94)));
        }
        return sb.toString();
    }
}
