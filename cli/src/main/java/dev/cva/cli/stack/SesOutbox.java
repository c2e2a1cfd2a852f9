package dev.cva.cli.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * A file outbox that speaks just enough SES v2 for the reporter: {@code POST /v2/email/outbound-emails} stores
 * the request as {@code <outbox>/<n>-<messageId>.json} and answers a MessageId. {@code GET /store} lists the mails.
 */
final class SesOutbox implements AutoCloseable {
    private final HttpServer server;
    private final Path outbox;

    SesOutbox(Path outbox) throws IOException {
        this.outbox = outbox;
        Files.createDirectories(outbox);
        server = dev.cva.local.LoopbackHttp.create(0, 64);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ses-outbox");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    Path outbox() {
        return outbox;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            if (ex.getRequestMethod().equals("POST") && path.equals("/v2/email/outbound-emails")) {
                String id = UUID.randomUUID().toString();
                Path file = outbox.resolve(System.currentTimeMillis() + "-" + id + ".json");
                Files.write(file, body);
                readable(file, body);
                send(ex, 200, "{\"MessageId\":\"" + id + "\"}");
            } else if (ex.getRequestMethod().equals("GET") && path.equals("/store")) {
                StringBuilder sb = new StringBuilder("{\"emails\":[");
                try (var files = Files.list(outbox)) {
                    files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(f -> {
                        try {
                            sb.append(sb.charAt(sb.length() - 1) == '[' ? "" : ",")
                                    .append(Files.readString(f));
                        } catch (IOException ignored) {
                            // skip a file being written
                        }
                    });
                }
                send(ex, 200, sb.append("]}").toString());
            } else if (ex.getRequestMethod().equals("GET") && path.equals("/health")) {
                send(ex, 200, "{\"status\":\"ok\"}");
            } else {
                send(ex, 404, "{\"message\":\"the local SES outbox implements SendEmail only\"}");
            }
        }
    }

    /** Next to the request, the mail as a human opens it: {@code .html} (or {@code .txt}) of a simple message. */
    private static void readable(Path request, byte[] body) {
        try {
            var simple =
                    dev.cva.cli.CvaContext.json().readTree(body).path("Content").path("Simple");
            String html = simple.path("Body").path("Html").path("Data").asText(null);
            String text = simple.path("Body").path("Text").path("Data").asText(null);
            String stem = request.getFileName().toString().replaceAll("\\.json$", "");
            if (html != null) {
                Files.writeString(request.resolveSibling(stem + ".html"), html);
            } else if (text != null) {
                Files.writeString(request.resolveSibling(stem + ".txt"), text);
            }
        } catch (IOException | RuntimeException ignored) {
            // the request itself is stored; a readable copy is a convenience
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
