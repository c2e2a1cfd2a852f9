package dev.cva.cli.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cva.cli.CvaContext;
import dev.cva.cli.stackclient.ControlToken;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The supervisor's control channel: how other cva processes ({@code cva deploy --env local}, {@code cva local stop
 * <part>}, ...) ask the running stack to change itself. 127.0.0.1 only, and every request carries the bearer token
 * that only the stack's owner can read ({@link ControlToken}): another local user must not redeploy our functions.
 *
 * <p>Routes are {@code METHOD /path-prefix}; the longest matching prefix wins. A handler gets the path after its
 * prefix and the request body, and answers with a status and a JSON body. Its exceptions become a 500 with the
 * message (never a stack trace).
 */
final class ControlServer implements AutoCloseable {
    /** What a route answers. */
    record Reply(int status, Object body) {
        static Reply ok(Object body) {
            return new Reply(200, body);
        }

        static Reply error(int status, String message) {
            return new Reply(status, Map.of("error", message));
        }
    }

    @FunctionalInterface
    interface Route {
        Reply handle(String rest, byte[] body) throws Exception;
    }

    private final HttpServer server;
    private final byte[] token;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    ControlServer(String token) throws IOException {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        server = dev.cva.local.LoopbackHttp.create(0, 16);
        // a deploy holds its request for minutes: the status, metrics and stop|start calls must not queue behind it
        server.setExecutor(Executors.newFixedThreadPool(6, r -> {
            Thread t = new Thread(r, "local-control");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        route("GET", "/health", (rest, body) -> Reply.ok(Map.of("ok", true)));
        server.start();
    }

    /** Adds a route, e.g. {@code route("POST", "/parts/", (rest, body) -> ...)} answers {@code POST /parts/sqs/stop}. */
    ControlServer route(String method, String prefix, Route route) {
        routes.put(method + " " + prefix, route);
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            byte[] given = auth == null || !auth.startsWith("Bearer ")
                    ? new byte[0]
                    : auth.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(given, token)) {
                send(ex, Reply.error(401, "missing or wrong control token"));
                return;
            }
            String key = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
            String best = null;
            for (String k : routes.keySet()) {
                if (key.startsWith(k) && (best == null || k.length() > best.length())) {
                    best = k;
                }
            }
            if (best == null) {
                send(ex, Reply.error(404, "no route for " + key));
                return;
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            Reply reply;
            try {
                reply = routes.get(best).handle(key.substring(best.length()), body);
            } catch (Exception e) {
                reply = Reply.error(500, String.valueOf(e.getMessage()));
            }
            send(ex, reply);
        }
    }

    private static void send(HttpExchange ex, Reply reply) throws IOException {
        byte[] bytes = CvaContext.json().writeValueAsBytes(reply.body());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A fresh random token, 256 bits, hex. */
    static String newToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
