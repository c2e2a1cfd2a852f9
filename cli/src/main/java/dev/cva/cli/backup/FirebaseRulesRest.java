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
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Firestore security rules through the Firebase Rules REST API (v1), as Terraform's
 * {@code google_firebaserules_ruleset} / {@code google_firebaserules_release} deploy them: a ruleset from the rules'
 * text ({@code POST projects/{p}/rulesets}), then the database's release pointed at it
 * ({@code POST projects/{p}/releases}; when the release exists, {@code PATCH projects/{p}/releases/{release}}). A
 * database's release is {@code cloud.firestore} for {@code (default)} and {@code cloud.firestore/<database>} for any
 * other. Errors become {@link CvaException}s here; the access token never appears in one.
 */
final class FirebaseRulesRest {
    static final String API = "https://firebaserules.googleapis.com";
    private static final ObjectMapper JSON = CvaContext.json();

    private final String baseUrl;
    private final String project;
    private final Supplier<String> token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    FirebaseRulesRest(String baseUrl, String project, Supplier<String> token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.project = project;
        this.token = token;
    }

    /** The release of {@code database}'s rules. */
    static String release(String database) {
        return "(default)".equals(database) ? "cloud.firestore" : "cloud.firestore/" + database;
    }

    /** Creates a ruleset of one file, {@code firestore.rules}; its resource name. */
    String createRuleset(String rules) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("source")
                .putArray("files")
                .addObject()
                .put("name", "firestore.rules")
                .put("content", rules);
        String name = send("POST", "/v1/projects/" + project + "/rulesets", body, "create the Firestore ruleset", false)
                .path("name")
                .asText();
        if (name.isEmpty()) {
            throw new CvaException(ExitCode.FAILURE, "the Firebase Rules API created a ruleset but named none", null);
        }
        return name;
    }

    /** Points {@code database}'s release at {@code ruleset}, creating the release or updating it. */
    void release(String database, String ruleset) {
        String name = "projects/" + project + "/releases/" + release(database);
        ObjectNode release = JSON.createObjectNode().put("name", name).put("rulesetName", ruleset);
        if (send(
                        "POST",
                        "/v1/projects/" + project + "/releases",
                        release,
                        "release the rules as " + release(database),
                        true)
                == null) {
            ObjectNode patch = JSON.createObjectNode();
            patch.set("release", release);
            send("PATCH", "/v1/" + name, patch, "update the release " + release(database), false);
        }
    }

    /** The answer; null for a 409 when {@code conflictOk}. */
    private JsonNode send(String method, String path, JsonNode body, String what, boolean conflictOk) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token.get())
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "could not " + what + ": " + e.getMessage(), "check the network and try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.FAILURE, "interrupted while trying to " + what, null);
        }
        if (conflictOk && response.statusCode() == 409) {
            return null;
        }
        JsonNode answer;
        try {
            answer = response.body() == null || response.body().isBlank()
                    ? JSON.createObjectNode()
                    : JSON.readTree(response.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        if (response.statusCode() / 100 != 2) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "could not " + what + ": "
                            + answer.path("error").path("message").asText("HTTP " + response.statusCode()),
                    response.statusCode() == 401 || response.statusCode() == 403
                            ? "the restore identity needs firebaserules.rulesets.create and firebaserules.releases.* "
                                    + "(infra/services/receiver backup.tf)"
                            : null);
        }
        return answer;
    }
}
