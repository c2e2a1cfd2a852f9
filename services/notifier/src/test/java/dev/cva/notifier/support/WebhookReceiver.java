package dev.cva.notifier.support;

import com.sun.net.httpserver.HttpServer;
import dev.cva.contracts.webhook.Verification;
import dev.cva.contracts.webhook.WebhookHeaders;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;

/**
 * A real HTTP webhook target (JDK HttpServer) that checks every request with {@link WebhookVerifier} in both
 * schemes, answers 401 to a bad Standard Webhooks signature like the receiver does, and otherwise follows a script
 * of answers (status, delay, Retry-After); 200 once the script is used up.
 */
public final class WebhookReceiver implements AutoCloseable {

    public record Step(int status, long delayMillis, String retryAfter) {
        public static Step status(int status) {
            return new Step(status, 0, null);
        }
    }

    public record Received(
            Map<String, List<String>> headers, byte[] body, long atMillis, Verification standard, Verification legacy) {
        public String header(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    private final HttpServer server;
    private final Deque<Step> script = new ConcurrentLinkedDeque<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

    public WebhookReceiver(WebhookSecret secret) throws IOException {
        WebhookVerifier verifier = new WebhookVerifier(List.of(secret), true, Clock.systemUTC());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/webhook", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
            Map<String, List<String>> standardOnly = new TreeMap<>(headers);
            standardOnly.remove(WebhookHeaders.LEGACY_SIGNATURE);
            Map<String, List<String>> legacyOnly = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (headers.containsKey(WebhookHeaders.LEGACY_SIGNATURE)) {
                legacyOnly.put(WebhookHeaders.LEGACY_SIGNATURE, headers.get(WebhookHeaders.LEGACY_SIGNATURE));
            }
            Verification standard = verifier.verify(standardOnly, body);
            Verification legacy = verifier.verify(legacyOnly, body);
            received.add(new Received(headers, body, System.currentTimeMillis(), standard, legacy));
            Step step = standard.verified() ? script.pollFirst() : new Step(401, 0, null);
            if (step == null) {
                step = Step.status(200);
            }
            if (step.delayMillis() > 0) {
                try {
                    Thread.sleep(step.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (step.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", step.retryAfter());
            }
            try {
                exchange.sendResponseHeaders(step.status(), -1);
            } catch (IOException clientGone) {
                // the notifier timed out and closed the connection
            }
            exchange.close();
        });
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/webhook");
    }

    public void script(Step... steps) {
        script.clear();
        script.addAll(List.of(steps));
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public void reset() {
        script.clear();
        received.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
