package dev.cva.local.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cva.local.LoopbackHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small AWS Lambda Runtime API (2018-06-01) for one function, served on 127.0.0.1: the runtime interface client
 * in the function's JVM long-polls {@code next}, and posts {@code response} or {@code error} for each invocation.
 */
public final class RuntimeApi implements AutoCloseable {
    public static final String BASE = "/2018-06-01/runtime/";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private record Invocation(String id, String payload, long deadlineMs, CompletableFuture<Invoker.Result> result) {}

    private final String functionArn;
    private final long timeoutMs;
    private final HttpServer server;
    /** A virtual thread per request: the function's long-polling "next" requests block here cheaply. */
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("runtime-api-", 0).factory());

    private final java.util.concurrent.BlockingDeque<Invocation> pending =
            new java.util.concurrent.LinkedBlockingDeque<>();
    private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
    /** When each in-flight invocation was handed to the function (nanoTime), for its billed duration. */
    private final Map<String, Long> startedNanos = new ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicLong completed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong billedMillis = new java.util.concurrent.atomic.AtomicLong();
    private volatile String initError;
    private volatile boolean closed;
    private volatile boolean polled;
    /** Bumped for each new instance: a {@code next} still waiting for a dead instance must not take invocations. */
    private volatile int generation;

    RuntimeApi(String functionArn, long timeoutMs) throws IOException {
        this.functionArn = functionArn;
        this.timeoutMs = timeoutMs;
        this.server = LoopbackHttp.create(0, 64);
        server.setExecutor(executor);
        server.createContext(BASE, this::handle);
        server.start();
    }

    /** An error document shortened for a log line: its type and message, without the stack trace. */
    public static String brief(String body) {
        try {
            var n = JSON.readTree(body);
            if (n.has("errorMessage")) {
                return n.path("errorType").asText("error") + ": "
                        + n.path("errorMessage").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: shorten as text
        }
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code 127.0.0.1:port}: the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + port();
    }

    String initError() {
        return initError;
    }

    /** Queues an invocation; the future completes when the function answers. */
    CompletableFuture<Invoker.Result> invoke(String payload) {
        Invocation inv = new Invocation(
                UUID.randomUUID().toString(),
                payload,
                System.currentTimeMillis() + timeoutMs,
                new CompletableFuture<>());
        if (initError != null) {
            inv.result().complete(new Invoker.Result(true, initError));
        } else {
            pending.add(inv);
        }
        return inv.result();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().substring(BASE.length());
            String method = ex.getRequestMethod();
            byte[] body = ex.getRequestBody().readAllBytes();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(ex);
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
                complete(
                        ex,
                        path.substring("invocation/".length(), path.length() - "/response".length()),
                        new Invoker.Result(false, new String(body, StandardCharsets.UTF_8)));
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
                complete(
                        ex,
                        path.substring("invocation/".length(), path.length() - "/error".length()),
                        new Invoker.Result(true, new String(body, StandardCharsets.UTF_8)));
            } else if (method.equals("POST") && path.equals("init/error")) {
                initError = new String(body, StandardCharsets.UTF_8);
                Invocation inv;
                while ((inv = pending.poll()) != null) {
                    inv.result().complete(new Invoker.Result(true, initError));
                }
                send(ex, 202, "{\"status\":\"OK\"}", Map.of());
            } else {
                send(ex, 404, "{\"errorMessage\":\"unknown path\"}", Map.of());
            }
        }
    }

    /** Before a new instance starts: it has not polled yet, and no init error is known. */
    void resetReady() {
        generation++;
        polled = false;
        initError = null;
    }

    /** True once the runtime client has initialised the handler and asked for its first invocation. */
    boolean ready() {
        return polled;
    }

    private void next(HttpExchange ex) throws IOException {
        polled = true;
        int instance = generation;
        Invocation inv = null;
        try {
            while (inv == null && !closed && instance == generation) {
                inv = pending.poll(500, TimeUnit.MILLISECONDS);
                if (inv != null && instance != generation) {
                    pending.addFirst(inv);
                    inv = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (inv == null) {
            send(ex, 500, "{\"errorMessage\":\"runtime API shutting down\"}", Map.of());
            return;
        }
        inFlight.put(inv.id(), inv);
        startedNanos.put(inv.id(), System.nanoTime());
        String trace = "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + HexFormat.of().formatHex(randomBytes(12)) + ";Parent="
                + HexFormat.of().formatHex(randomBytes(8))
                + ";Sampled=0";
        send(
                ex,
                200,
                inv.payload(),
                Map.of(
                        "Lambda-Runtime-Aws-Request-Id",
                        inv.id(),
                        "Lambda-Runtime-Deadline-Ms",
                        Long.toString(inv.deadlineMs()),
                        "Lambda-Runtime-Invoked-Function-Arn",
                        functionArn,
                        "Lambda-Runtime-Trace-Id",
                        trace));
    }

    private void complete(HttpExchange ex, String id, Invoker.Result result) throws IOException {
        Invocation inv = inFlight.remove(id);
        Long started = startedNanos.remove(id);
        if (inv != null && started != null) {
            completed.incrementAndGet();
            billedMillis.addAndGet(billedMillis(System.nanoTime() - started));
        }
        if (inv == null) {
            send(ex, 404, "{\"errorMessage\":\"unknown request id\"}", Map.of());
            return;
        }
        inv.result().complete(result);
        send(ex, 202, "{\"status\":\"OK\"}", Map.of());
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static void send(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Lambda's billed duration of one invocation: from hand-out to answer, rounded up to the millisecond. */
    static long billedMillis(long nanos) {
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    /** Invocations the function answered (response or error) since this API started. */
    long completed() {
        return completed.get();
    }

    /** Their billed duration summed, in ms (each rounded up to 1 ms, as Lambda bills). */
    long billedMillis() {
        return billedMillis.get();
    }

    /** Fails whatever is still waiting: the function's process is gone. */
    void failAll(String why) {
        Invocation inv;
        while ((inv = pending.poll()) != null) {
            inv.result().complete(new Invoker.Result(true, why));
        }
        inFlight.values().forEach(i -> i.result().complete(new Invoker.Result(true, why)));
        inFlight.clear();
        startedNanos.clear();
    }

    @Override
    public void close() {
        closed = true;
        failAll("{\"errorMessage\":\"runtime stopped\"}");
        server.stop(0);
        executor.shutdownNow();
    }
}
