package dev.cva.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link DocumentData} through Firestore's REST API (the emulator's locally, with its owner credential; Google's with
 * an access token elsewhere): the {@code analytics} documents are listed page by page, the stats shards found with
 * one collection-group query, and a copy written back with {@code commit}s of 400 writes (the limit is 500).
 */
final class FirestoreDocumentData implements DocumentData {
    static final String ANALYTICS = "analytics";
    static final String SHARDS = "shards"; // stats/{day}/shards/{n}
    private static final int COMMIT = 400;
    private static final ObjectMapper JSON = CvaContext.json();

    private final String baseUrl;
    private final String project;
    private final Supplier<String> token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    FirestoreDocumentData(String baseUrl, String project, Supplier<String> token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.project = project;
        this.token = token;
    }

    private String root(String database) {
        return "projects/" + project + "/databases/" + database + "/documents";
    }

    @Override
    public long count(String database) {
        String body = "{\"structuredAggregationQuery\":{\"structuredQuery\":{\"from\":[{\"collectionId\":\"" + ANALYTICS
                + "\"}]}," + "\"aggregations\":[{\"alias\":\"n\",\"count\":{}}]}}";
        JsonNode answer = post(baseUrl + "/v1/" + root(database) + ":runAggregationQuery", body);
        JsonNode n = answer.path(0).path("result").path("aggregateFields").path("n");
        return n.has("integerValue") ? Long.parseLong(n.get("integerValue").asText()) : 0L;
    }

    @Override
    public Set<String> ids(String database) {
        Set<String> ids = new HashSet<>();
        analytics(
                database,
                "&mask.fieldPaths=requestId",
                doc -> ids.add(last(doc.path("name").asText())));
        return ids;
    }

    @Override
    public Copy exportAnalytics(String database, Path file) {
        return export(database, file, ANALYTICS, w -> analytics(database, "", w));
    }

    @Override
    public Copy exportStats(String database, Path file) {
        return export(database, file, "stats/*/" + SHARDS, w -> shards(database, w));
    }

    private Copy export(String database, Path file, String source, Consumer<Consumer<JsonNode>> read) {
        long[] n = {0};
        String prefix = root(database) + "/";
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            Consumer<JsonNode> write = doc -> {
                ObjectNode line = JSON.createObjectNode();
                line.put("path", doc.path("name").asText().substring(prefix.length()));
                line.set("fields", doc.path("fields"));
                try {
                    w.write(line.toString());
                    w.write('\n');
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                n[0]++;
            };
            read.accept(write);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot write " + file + ": " + e.getMessage(), null, e);
        }
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            bytes = 0;
        }
        return new Copy("firestore", source, file.getFileName().toString(), n[0], bytes);
    }

    @Override
    public long load(Path file, String database) {
        String prefix = root(database) + "/";
        List<JsonNode> writes = new ArrayList<>();
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode doc = JSON.readTree(line);
                ObjectNode update = JSON.createObjectNode();
                update.put("name", prefix + doc.path("path").asText());
                update.set("fields", doc.path("fields"));
                ObjectNode write = JSON.createObjectNode();
                write.set("update", update);
                writes.add(write);
                if (writes.size() == COMMIT) {
                    n += commit(database, writes);
                    writes.clear();
                }
            }
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
        return n + (writes.isEmpty() ? 0 : commit(database, writes));
    }

    @Override
    public long deleteAll(String database) {
        List<JsonNode> writes = new ArrayList<>();
        Consumer<JsonNode> delete = doc -> writes.add(
                JSON.createObjectNode().put("delete", doc.path("name").asText()));
        analytics(database, "&mask.fieldPaths=requestId", delete);
        shards(database, delete);
        long n = 0;
        for (int i = 0; i < writes.size(); i += COMMIT) {
            n += commit(database, writes.subList(i, Math.min(writes.size(), i + COMMIT)));
        }
        return n;
    }

    private void analytics(String database, String mask, Consumer<JsonNode> each) {
        String token = null;
        do {
            JsonNode page = get(baseUrl + "/v1/" + root(database) + "/" + ANALYTICS + "?pageSize=300" + mask
                    + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
            page.path("documents").forEach(each);
            token = page.path("nextPageToken").asText(null);
        } while (token != null && !token.isEmpty());
    }

    private void shards(String database, Consumer<JsonNode> each) {
        String body =
                "{\"structuredQuery\":{\"from\":[{\"collectionId\":\"" + SHARDS + "\",\"allDescendants\":true}]}}";
        for (JsonNode r : post(baseUrl + "/v1/" + root(database) + ":runQuery", body)) {
            if (r.has("document")) {
                each.accept(r.get("document"));
            }
        }
    }

    private int commit(String database, List<JsonNode> writes) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode w = body.putArray("writes");
        writes.forEach(w::add);
        post(baseUrl + "/v1/projects/" + project + "/databases/" + database + "/documents:commit", body.toString());
        return writes.size();
    }

    private static String last(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    private JsonNode get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), url);
    }

    private JsonNode post(String url, String body) {
        return send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                url);
    }

    private JsonNode send(HttpRequest.Builder request, String url) {
        String where = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        try {
            HttpResponse<String> r = http.send(
                    request.timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + token.get())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                String message = JSON.readTree(r.body().isBlank() ? "{}" : r.body())
                        .path("error")
                        .path("message")
                        .asText(r.body());
                throw new CvaException(
                        ExitCode.FAILURE,
                        "Firestore answered " + r.statusCode() + " to " + where + ": "
                                + message.lines().findFirst().orElse(""),
                        r.statusCode() == 403
                                ? "use the restore service account (infra/services/receiver/backup.tf)"
                                : null);
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "cannot reach Firestore at " + baseUrl + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }
}
