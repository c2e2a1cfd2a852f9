package dev.cva.cli.trace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The receiver's document {@code analytics/<requestId>} (FirestoreAnalyticsStore's collection and id) through
 * Firestore's REST API, as the CLI reads the emulator (no gRPC client for one GET; HttpURLConnection, which the AWS SDK's client
 * loads anyway, keeps a trace's start short): the emulator with
 * its admin token, or firestore.googleapis.com with an application-default access token.
 */
final class FirestoreDocuments implements TraceSources.Documents {
    static final String COLLECTION = "analytics";

    private final String baseUrl;
    private final String project;
    private final String database;
    private final Supplier<String> token;

    /**
     * @param database the receiver's database (gcp.firestoreDatabase; {@code (default)} unless a restore switched it)
     * @param token the bearer token of each request ({@code owner}, the emulator's admin, locally)
     */
    FirestoreDocuments(String baseUrl, String project, String database, Supplier<String> token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.project = project;
        this.database = database == null || database.isBlank() ? "(default)" : database.strip();
        this.token = token;
    }

    @Override
    public Optional<TraceSources.Document> analytics(String requestId) {
        String name = COLLECTION + "/" + requestId;
        String url = baseUrl + "/v1/projects/" + project + "/databases/" + database + "/documents/" + COLLECTION + "/"
                + URLEncoder.encode(requestId, StandardCharsets.UTF_8);
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout(10_000);
            c.setRequestProperty("Authorization", "Bearer " + token.get());
            int status = c.getResponseCode();
            if (status == 404) {
                return Optional.empty();
            }
            if (status != 200) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "Firestore answered " + status + " for " + name + ": " + firstLine(body(c.getErrorStream())),
                        status == 401 || status == 403
                                ? "needs read access to Firestore in " + project
                                        + " (gcloud auth application-default login)"
                                : null);
            }
            JsonNode doc = CvaContext.json().readTree(body(c.getInputStream()));
            JsonNode received = doc.path("fields").path("receivedAt");
            Long receivedAt = received.has("integerValue")
                    ? Long.valueOf(received.get("integerValue").asText())
                    : received.has("doubleValue")
                            ? Long.valueOf((long) received.get("doubleValue").asDouble())
                            : null;
            return Optional.of(new TraceSources.Document(
                    name, Instant.parse(doc.path("createTime").asText()), receivedAt));
        } catch (IOException | java.time.format.DateTimeParseException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "cannot read Firestore at " + baseUrl + ": " + e.getMessage(), null, e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private static String body(java.io.InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String firstLine(String body) {
        String s = body == null ? "" : body.strip();
        int nl = s.indexOf('\n');
        s = nl < 0 ? s : s.substring(0, nl);
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
