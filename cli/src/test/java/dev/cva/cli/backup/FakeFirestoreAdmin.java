package dev.cva.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cva.cli.CvaContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process stand-in for Google's Firestore Admin API (v1) and Firebase Rules API (v1), with their request and
 * answer shapes: the backups list, {@code databases:restore} (which writes the scheduled backup's documents into the
 * new database of the Firestore emulator), operations, composite index creation ({@code 409 ALREADY_EXISTS} for one
 * it has), rulesets and releases (create; {@code 409} for an existing release, then {@code PATCH}). It keeps every
 * request as {@code METHOD path body}; {@link #failReleases} makes the next release calls answer 500.
 */
final class FakeFirestoreAdmin implements AutoCloseable {
    static final String PROJECT = "cv-analytics-prod";
    static final String BACKUP = "projects/" + PROJECT + "/locations/europe-west2/backups/daily-1";

    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<JsonNode> restores = new CopyOnWriteArrayList<>();
    /** ruleset name -> its firestore.rules content */
    final Map<String, String> rulesets = new ConcurrentHashMap<>();
    /** release name -> ruleset name */
    final Map<String, String> releases = new ConcurrentHashMap<>();
    /** index path -> its body */
    final Map<String, JsonNode> indexes = new ConcurrentHashMap<>();

    final AtomicInteger failReleases = new AtomicInteger();
    private final AtomicInteger counter = new AtomicInteger();
    private final HttpServer server;

    /** @param onRestore writes the scheduled backup into the new database it is given */
    FakeFirestoreAdmin(java.util.function.Consumer<String> onRestore) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            String path = x.getRequestURI().getPath();
            String key = x.getRequestMethod() + " " + path;
            String in = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(key + " " + in);
            JsonNode body = in.isBlank() ? null : CvaContext.json().readTree(in);
            String out;
            int status = 200;
            String releases = "/v1/projects/" + PROJECT + "/releases";
            if (key.equals("GET /v1/projects/" + PROJECT + "/locations/-/backups")) {
                out = "{\"backups\":[{\"name\":\"" + BACKUP + "\",\"database\":\"projects/" + PROJECT
                        + "/databases/(default)\","
                        + "\"snapshotTime\":\"2026-12-07T01:00:00Z\",\"state\":\"READY\"}]}";
            } else if (key.equals("POST /v1/projects/" + PROJECT + "/databases:restore")) {
                restores.add(body);
                onRestore.accept(body.path("databaseId").asText());
                out = "{\"name\":\"projects/" + PROJECT + "/databases/"
                        + body.path("databaseId").asText() + "/operations/op-1\"}";
            } else if (key.startsWith("GET /v1/projects/" + PROJECT + "/databases/") && key.contains("/operations/")) {
                out = "{\"name\":\"" + path.substring("/v1/".length()) + "\",\"done\":true,\"response\":{}}";
            } else if (key.startsWith("POST /v1/projects/" + PROJECT + "/databases/") && path.endsWith("/indexes")) {
                String id = path + "#" + body.path("fields");
                if (indexes.putIfAbsent(id, body) != null) {
                    status = 409;
                    out =
                            "{\"error\":{\"code\":409,\"message\":\"index already exists\",\"status\":\"ALREADY_EXISTS\"}}";
                } else {
                    out = "{\"name\":\"projects/" + PROJECT + "/databases/x/operations/idx-" + counter.incrementAndGet()
                            + "\"}";
                }
            } else if (key.equals("POST /v1/projects/" + PROJECT + "/rulesets")) {
                String name = "projects/" + PROJECT + "/rulesets/rs-" + counter.incrementAndGet();
                rulesets.put(
                        name,
                        body.path("source")
                                .path("files")
                                .path(0)
                                .path("content")
                                .asText());
                out = "{\"name\":\"" + name + "\"}";
            } else if ((key.equals("POST " + releases) || key.startsWith("PATCH " + releases + "/"))
                    && failReleases.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 500;
                out = "{\"error\":{\"code\":500,\"message\":\"backend error\",\"status\":\"INTERNAL\"}}";
            } else if (key.equals("POST " + releases)) {
                if (this.releases.containsKey(body.path("name").asText())) {
                    status = 409;
                    out = "{\"error\":{\"code\":409,\"message\":\"release exists\",\"status\":\"ALREADY_EXISTS\"}}";
                } else {
                    this.releases.put(
                            body.path("name").asText(), body.path("rulesetName").asText());
                    out = body.toString();
                }
            } else if (key.startsWith("PATCH " + releases + "/")) {
                this.releases.put(
                        path.substring("/v1/".length()),
                        body.path("release").path("rulesetName").asText());
                out = body.path("release").toString();
            } else {
                status = 404;
                out = "{\"error\":{\"code\":404,\"message\":\"no route " + key + "\"}}";
            }
            byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, bytes.length);
            x.getResponseBody().write(bytes);
            x.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A project folder's receiver infra: the repository's rules template and an index definition of the test's. */
    static void receiverInfra(Path project, Path repo) throws IOException {
        Path dir = java.nio.file.Files.createDirectories(project.resolve("infra/services/receiver"));
        java.nio.file.Files.copy(
                repo.resolve("infra/services/receiver/firestore.rules.tftpl"), dir.resolve("firestore.rules.tftpl"));
        java.nio.file.Files.writeString(dir.resolve("firestore.indexes.json"), """
                {"indexes": [{"collectionGroup": "analytics", "queryScope": "COLLECTION",
                  "fields": [{"fieldPath": "week", "order": "ASCENDING"}, {"fieldPath": "receivedAt", "order": "DESCENDING"}]}],
                 "fieldOverrides": []}
                """);
    }
}
