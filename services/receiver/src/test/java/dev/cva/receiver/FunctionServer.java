package dev.cva.receiver;

import com.google.cloud.functions.invoker.runner.Invoker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** The receiver served by the real Functions Framework invoker, in process, on a free loopback port. */
public final class FunctionServer implements AutoCloseable {
    private static final Object START_LOCK = new Object();

    private final Invoker invoker;
    private final ReceiverFunction function;
    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private FunctionServer(Invoker invoker, ReceiverFunction function, int port) {
        this.invoker = invoker;
        this.function = function;
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    public static FunctionServer start(ReceiverConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** With the function's clock given (e.g. a fixed one, so its rate limits never refill). */
    public static FunctionServer start(ReceiverConfig config, Clock clock) {
        synchronized (START_LOCK) {
            int port = FirestoreEmulator.freePort();
            TestReceiverFunction.NEXT.set(config);
            TestReceiverFunction.NEXT_CLOCK.set(clock);
            TestReceiverFunction.LAST.set(null);
            Invoker invoker = new Invoker(
                    port, TestReceiverFunction.class.getName(), "http", FunctionServer.class.getClassLoader());
            try {
                invoker.startTestServer();
            } catch (Exception e) {
                throw new IllegalStateException("the invoker did not start: " + e, e);
            } finally {
                TestReceiverFunction.NEXT.set(null);
                TestReceiverFunction.NEXT_CLOCK.set(null);
            }
            return new FunctionServer(invoker, TestReceiverFunction.LAST.getAndSet(null), port);
        }
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    /** Sends {@code method} with {@code body} (null: no body) and {@code headers}; never throws on a status. */
    public HttpResponse<String> send(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    public HttpResponse<String> post(byte[] body, Map<String, String> headers) {
        Map<String, String> h = new java.util.HashMap<>(headers);
        h.putIfAbsent("Content-Type", "application/json");
        return send("POST", "/", body, h);
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            invoker.stopServer();
            if (function != null) {
                function.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the invoker: " + e, e);
        }
    }
}
