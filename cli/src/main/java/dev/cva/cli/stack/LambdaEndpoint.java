package dev.cva.cli.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cva.cli.stackclient.LocalClients;
import dev.cva.local.lambda.FunctionAlias;
import dev.cva.local.lambda.Invoker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The local stack's Lambda Invoke API ({@code POST /2015-03-31/functions/<name>/invocations}), so any process
 * (cva local demo, the AWS CLI with --endpoint-url) can invoke processor, notifier or reporter synchronously:
 * through the {@code live} alias, or one version with a qualifier ({@code <name>:<version>} or
 * {@code ?Qualifier=<version>}; {@code $LATEST} is the newest), as the deploy smoke test does.
 */
final class LambdaEndpoint implements AutoCloseable {
    static final String PREFIX = LocalClients.LAMBDA_FUNCTIONS;

    private final HttpServer server;
    private final Map<String, FunctionAlias> functions;

    LambdaEndpoint(Map<String, FunctionAlias> functions) throws IOException {
        this.functions = functions;
        server = dev.cva.local.LoopbackHttp.create(0, 64);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "lambda-endpoint");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            if (ex.getRequestMethod().equals("GET") && path.equals("/health")) {
                send(ex, 200, "{\"functions\":" + CvaJson.quoteAll(functions.keySet()) + "}", null);
                return;
            }
            if (!ex.getRequestMethod().equals("POST") || !path.startsWith(PREFIX) || !path.endsWith("/invocations")) {
                send(ex, 404, "{\"Message\":\"unknown path\"}", null);
                return;
            }
            String name = path.substring(PREFIX.length(), path.length() - "/invocations".length());
            String qualifier = qualifier(ex.getRequestURI().getRawQuery());
            int colon = name.indexOf(':');
            if (colon >= 0) {
                qualifier = name.substring(colon + 1);
                name = name.substring(0, colon);
            }
            name = name.startsWith("cv-analytics-") ? name.substring("cv-analytics-".length()) : name;
            FunctionAlias f = functions.get(name);
            if (f == null) {
                send(ex, 404, "{\"Type\":\"User\",\"Message\":\"Function not found: " + name + "\"}", null);
                return;
            }
            String payload = new String(body, StandardCharsets.UTF_8);
            Invoker.Result r = qualifier == null || qualifier.equals(FunctionAlias.LIVE)
                    ? f.invoke(payload)
                    : f.invoke(qualifier, payload);
            send(ex, 200, r.body(), r.error() ? "Unhandled" : null);
        }
    }

    private static String qualifier(String query) {
        if (query == null) {
            return null;
        }
        for (String kv : query.split("&")) {
            if (kv.startsWith("Qualifier=")) {
                return java.net.URLDecoder.decode(kv.substring("Qualifier=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void send(HttpExchange ex, int status, String body, String functionError) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (functionError != null) {
            ex.getResponseHeaders().set("X-Amz-Function-Error", functionError);
        }
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
