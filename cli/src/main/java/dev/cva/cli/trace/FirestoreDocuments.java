package dev.cva.cli.trace;

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
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The receiver's document {@code analytics/<requestId>} (FirestoreAnalyticsStore's collection and id) through
 * Firestore's REST API, as the CLI reads the emulator (java.net.http, no gRPC client for one GET): the emulator with
 * its admin token, or firestore.googleapis.com with an application-default access token.
 */
final class FirestoreDocuments implements TraceSources.Documents {
    static final String COLLECTION = "analytics";

    private final String baseUrl;
    private final String project;
    private final Supplier<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param token the bearer token of each request ({@code owner}, the emulator's admin, locally) */
    FirestoreDocuments(String baseUrl, String project, Supplier<String> token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.project = project;
        this.token = token;
    }

    @Override
    public Optional<TraceSources.Document> analytics(String requestId) {
        String name = COLLECTION + "/" + requestId;
        String url = baseUrl + "/v1/projects/" + project + "/databases/(default)/documents/" + COLLECTION + "/"
                + URLEncoder.encode(requestId, StandardCharsets.UTF_8);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token.get()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return Optional.empty();
            }
            if (r.statusCode() != 200) {
                throw new CvaException(ExitCode.FAILURE, "Firestore answered " + r.statusCode() + " for " + name + ": "
                        + firstLine(r.body()), r.statusCode() == 401 || r.statusCode() == 403
                        ? "needs read access to Firestore in " + project + " (gcloud auth application-default login)" : null);
            }
            JsonNode doc = CvaContext.json().readTree(r.body());
            JsonNode received = doc.path("fields").path("receivedAt");
            Long receivedAt = received.has("integerValue") ? Long.valueOf(received.get("integerValue").asText())
                    : received.has("doubleValue") ? Long.valueOf((long) received.get("doubleValue").asDouble()) : null;
            return Optional.of(new TraceSources.Document(name, Instant.parse(doc.path("createTime").asText()), receivedAt));
        } catch (IOException | java.time.format.DateTimeParseException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read Firestore at " + baseUrl + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }

    private static String firstLine(String body) {
        String s = body == null ? "" : body.strip();
        int nl = s.indexOf('\n');
        s = nl < 0 ? s : s.substring(0, nl);
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
