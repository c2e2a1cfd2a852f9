package dev.cva.cli.stackclient;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the Firestore emulator through its REST API (java.net.http; the CLI needs no gRPC client for two calls).
 * {@code Authorization: Bearer owner} is the emulator's admin credential: security rules do not apply.
 */
public final class FirestoreRest {
    private final String baseUrl;
    private final String project;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FirestoreRest(String baseUrl, String project) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.project = project;
    }

    /** requestId → receivedAt (epoch ms) of every document in {@code analytics}. */
    public Map<String, Long> receivedAt() {
        Map<String, Long> out = new HashMap<>();
        String token = null;
        do {
            String url = baseUrl + "/v1/projects/" + project + "/databases/(default)/documents/analytics?pageSize=300"
                    + "&mask.fieldPaths=receivedAt"
                    + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            JsonNode page = get(url);
            for (JsonNode doc : page.path("documents")) {
                String name = doc.path("name").asText();
                JsonNode v = doc.path("fields").path("receivedAt");
                long at = v.has("integerValue")
                        ? Long.parseLong(v.get("integerValue").asText())
                        : v.has("doubleValue")
                                ? (long) v.get("doubleValue").asDouble()
                                : v.has("timestampValue")
                                        ? java.time.Instant.parse(
                                                        v.get("timestampValue").asText())
                                                .toEpochMilli()
                                        : 0L;
                out.put(name.substring(name.lastIndexOf('/') + 1), at);
            }
            token = page.path("nextPageToken").asText(null);
        } while (token != null && !token.isEmpty());
        return out;
    }

    /** How many documents {@code analytics} holds: one aggregation query, no document listed. */
    public long count() {
        String url = baseUrl + "/v1/projects/" + project + "/databases/(default)/documents:runAggregationQuery";
        String body =
                "{\"structuredAggregationQuery\":{\"structuredQuery\":{\"from\":[{\"collectionId\":\"analytics\"}]},"
                        + "\"aggregations\":[{\"alias\":\"n\",\"count\":{}}]}}";
        JsonNode answer = send(
                HttpRequest.newBuilder(URI.create(url))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json"),
                url);
        JsonNode n = answer.path(0).path("result").path("aggregateFields").path("n");
        return n.has("integerValue") ? Long.parseLong(n.get("integerValue").asText()) : 0L;
    }

    private JsonNode get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)), url);
    }

    private JsonNode send(HttpRequest.Builder request, String url) {
        try {
            HttpResponse<String> r = http.send(
                    request.timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer owner")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new CvaException(
                        ExitCode.FAILURE, "Firestore emulator answered " + r.statusCode() + ": " + r.body(), null);
            }
            return CvaContext.json().readTree(r.body());
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot read the Firestore emulator at " + baseUrl + ": " + e.getMessage(),
                    null,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }
}
