package dev.cva.cli.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cva.contracts.webhook.Verification;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookVerifier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in receiver on a JDK HttpServer: verifies with the contract's {@link WebhookVerifier}, refuses exact
 * replays with 401 and answers 200 otherwise, like the real receiver's signature rules. {@code lenient} accepts
 * everything (a broken receiver, for the negative modes).
 */
final class StubReceiver implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final WebhookVerifier verifier;
    private final boolean lenient;
    private final int failEvery;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    final AtomicInteger requests = new AtomicInteger();

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, delayed ACKs add ~40 ms stalls.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private StubReceiver(WebhookSecret secret, boolean lenient, int failEvery) throws IOException {
        this.failEvery = failEvery;
        this.verifier = new WebhookVerifier(List.of(secret), true, Clock.systemUTC());
        this.lenient = lenient;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    static StubReceiver start(WebhookSecret secret) {
        return start(secret, false);
    }

    static StubReceiver start(WebhookSecret secret, boolean lenient) {
        return start(secret, lenient, 0);
    }

    /** {@code failEvery} > 0: every failEvery-th request is answered 503, as a store outage would. */
    static StubReceiver start(WebhookSecret secret, boolean lenient, int failEvery) {
        try {
            return new StubReceiver(secret, lenient, failEvery);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")
                .toString();
    }

    private void handle(HttpExchange x) throws IOException {
        int n = requests.incrementAndGet();
        byte[] body = x.getRequestBody().readAllBytes();
        if (failEvery > 0 && n % failEvery == 0) {
            answer(x, 503, "{\"error\":\"store_unavailable\"}");
            return;
        }
        if (lenient) {
            answer(x, 200, "{\"status\":\"stored\"}");
            return;
        }
        Map<String, List<String>> headers = x.getRequestHeaders();
        Verification v = verifier.verify(headers, body);
        if (v instanceof Verification.Rejected r) {
            answer(x, 401, "{\"error\":\"" + r.reason().name().toLowerCase(Locale.ROOT) + "\"}");
        } else if (v instanceof Verification.Verified ok
                && ok.messageId() != null
                && !seen.add(ok.messageId() + "." + ok.timestamp())) {
            answer(x, 200, "{\"status\":\"duplicate\",\"duplicate\":true}"); // a repeat, as the receiver answers
        } else {
            answer(x, 200, "{\"status\":\"stored\"}");
        }
    }

    private static void answer(HttpExchange x, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
