package dev.cva.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Firestore's own backups and restores through the Admin REST API (v1): the newest scheduled backup of a database
 * ({@code GET projects/{p}/locations/-/backups}), a restore from a backup into a new database
 * ({@code POST projects/{p}/databases:restore}), a point-in-time clone into a new database
 * ({@code POST projects/{p}/databases:clone} with a {@code pitrSnapshot}), each followed as a long-running operation
 * ({@code GET v1/{operation}} until {@code done}), and the creation of a composite index on a database
 * ({@code POST projects/{p}/databases/{d}/collectionGroups/{g}/indexes}). Errors are translated here into {@link CvaException}s; the access
 * token never appears in one.
 */
final class FirestoreAdminRest {
    static final String API = "https://firestore.googleapis.com";
    private static final ObjectMapper JSON = CvaContext.json();

    /** A scheduled backup: its resource name, the database it is of, and the time its data is from. */
    record Backup(String name, String database, Instant snapshotTime) {}

    private final String baseUrl;
    private final String project;
    private final Supplier<String> token;
    private final Clock clock;
    private final Duration poll;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    FirestoreAdminRest(String baseUrl, String project, Supplier<String> token, Clock clock, Duration poll) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.project = project;
        this.token = token;
        this.clock = clock;
        this.poll = poll;
    }

    private String databaseName(String database) {
        return "projects/" + project + "/databases/" + database;
    }

    /** The newest READY backup of {@code database} in any location, if there is one. */
    Optional<Backup> newestBackup(String database) {
        JsonNode answer =
                send("GET", "/v1/projects/" + project + "/locations/-/backups", null, "list the Firestore backups");
        Backup newest = null;
        for (JsonNode b : answer.path("backups")) {
            if (!databaseName(database).equals(b.path("database").asText())
                    || !"READY".equals(b.path("state").asText("READY"))) {
                continue;
            }
            Instant at = Instant.parse(b.path("snapshotTime").asText());
            if (newest == null || at.isAfter(newest.snapshotTime())) {
                newest = new Backup(b.path("name").asText(), database, at);
            }
        }
        return Optional.ofNullable(newest);
    }

    /** Restores {@code backup} (its resource name) into the new database {@code into}; waits until it is done. */
    void restore(String backup, String into, Duration deadline) {
        ObjectNode body = JSON.createObjectNode().put("databaseId", into).put("backup", backup);
        JsonNode op = send(
                "POST", "/v1/projects/" + project + "/databases:restore", body, "restore " + backup + " into " + into);
        await(op, deadline, "the restore of " + backup + " into " + into);
    }

    /**
     * Clones {@code from} as it was at {@code at} into the new database {@code into}. Firestore keeps one version a
     * minute, so {@code at} is taken down to its minute: records of the seconds after it are in DynamoDB only, and
     * the reconcile sends them on.
     */
    void cloneAt(String from, Instant at, String into, Duration deadline) {
        at = at.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        ObjectNode body = JSON.createObjectNode().put("databaseId", into);
        body.putObject("pitrSnapshot").put("database", databaseName(from)).put("snapshotTime", at.toString());
        JsonNode op = send(
                "POST",
                "/v1/projects/" + project + "/databases:clone",
                body,
                "clone " + from + " at " + at + " into " + into);
        await(op, deadline, "the clone of " + from + " at " + at + " into " + into);
    }

    /**
     * Creates the composite index {@code index} (firestore.indexes.json's shape: {@code collectionGroup},
     * {@code queryScope}, {@code fields}) on {@code database}; false when Firestore already has it (409
     * ALREADY_EXISTS: a restore from a backup brings its index configuration). It does not wait for the index to be
     * built (minutes on a large database; queries that need it fail until then).
     */
    boolean createIndex(String database, JsonNode index) {
        String group = index.path("collectionGroup").asText();
        ObjectNode body = JSON.createObjectNode()
                .put("queryScope", index.path("queryScope").asText("COLLECTION"));
        body.set("fields", index.path("fields"));
        return send(
                        "POST",
                        "/v1/" + databaseName(database) + "/collectionGroups/" + group + "/indexes",
                        body,
                        "create an index on " + group + " in database " + database,
                        true)
                != null;
    }

    /** Polls the long-running operation until done; an operation that ends with an error fails with its message. */
    private void await(JsonNode op, Duration deadline, String what) {
        Instant until = clock.instant().plus(deadline);
        String name = op.path("name").asText();
        while (!op.path("done").asBoolean(false)) {
            if (name.isEmpty()) {
                throw new CvaException(ExitCode.FAILURE, what + ": Firestore answered no operation to follow", null);
            }
            if (clock.instant().isAfter(until)) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        what + " was not done within " + deadline.toMinutes() + " min",
                        "follow it with 'gcloud firestore operations describe " + name + "'; nothing was switched");
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CvaException(ExitCode.FAILURE, what + " was interrupted while waiting", null);
            }
            op = send("GET", "/v1/" + name, null, "follow " + what);
        }
        JsonNode error = op.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    what + " failed: "
                            + error.path("message")
                                    .asText("code " + error.path("code").asText()),
                    "nothing was switched; the operation is " + name);
        }
    }

    private JsonNode send(String method, String path, JsonNode body, String what) {
        return send(method, path, body, what, false);
    }

    /** The answer; null for a 409 when {@code conflictOk} (the thing exists already). */
    private JsonNode send(String method, String path, JsonNode body, String what, boolean conflictOk) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token.get());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "could not " + what + ": " + e.getMessage(), "check the network and try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.FAILURE, "interrupted while trying to " + what, null);
        }
        JsonNode answer;
        try {
            answer = response.body() == null || response.body().isBlank()
                    ? JSON.createObjectNode()
                    : JSON.readTree(response.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        if (conflictOk && response.statusCode() == 409) {
            return null;
        }
        if (response.statusCode() / 100 != 2) {
            String message = answer.path("error").path("message").asText("HTTP " + response.statusCode());
            String hint = switch (response.statusCode()) {
                case 401, 403 ->
                    "the restore identity needs the Firestore restore role (infra/services/receiver backup.tf)";
                case 404 -> "check gcp.project and the backup's name";
                case 409 -> "a database of that name exists: choose another with --into";
                default -> null;
            };
            throw new CvaException(ExitCode.FAILURE, "could not " + what + ": " + message, hint);
        }
        return answer;
    }
}
