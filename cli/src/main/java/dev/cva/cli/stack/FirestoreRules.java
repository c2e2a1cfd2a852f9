package dev.cva.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.local.FirestoreRulesTemplate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the receiver's Firestore security rules into the emulator ({@code PUT /emulator/v1/projects/{p}:securityRules}),
 * rendered from their template with the environment's dashboard readers as Terraform renders them
 * ({@link FirestoreRulesTemplate}), so the local dashboard reads under the same rules as in production. The receiver
 * and cva itself talk to the emulator as its owner ({@code Authorization: Bearer owner}), which the rules do not
 * apply to.
 */
final class FirestoreRules {
    /** Where the rules template lives, relative to the project. */
    static final String FILE = FirestoreRulesTemplate.FILE;

    private FirestoreRules() {}

    /**
     * Renders {@code projectRoot/FILE} for {@code readers} and loads it when present; returns the template loaded, or
     * null when there is none.
     */
    static Path loadIfPresent(Path projectRoot, String emulatorUrl, String project, List<String> readers) {
        Path file = projectRoot.resolve(FILE);
        String rules;
        try {
            rules = FirestoreRulesTemplate.renderFile(projectRoot, readers);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), null, e);
        } catch (IllegalArgumentException e) {
            throw CvaException.usage(file + ": " + e.getMessage(), "see the comment at the top of the template");
        }
        if (rules == null) {
            return null;
        }
        load(emulatorUrl, project, rules, file.toString());
        return file;
    }

    /** Loads {@code rules} (named {@code name} in errors); a rules file the emulator rejects fails with its issues. */
    static void load(String emulatorUrl, String project, String rules, String name) {
        String base = emulatorUrl.endsWith("/") ? emulatorUrl.substring(0, emulatorUrl.length() - 1) : emulatorUrl;
        String url = base + "/emulator/v1/projects/" + project + ":securityRules";
        try {
            byte[] body = CvaContext.json()
                    .writeValueAsBytes(Map.of(
                            "rules", Map.of("files", List.of(Map.of("name", "firestore.rules", "content", rules)))));
            HttpResponse<String> r = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/json")
                                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            List<String> errors = errors(r.body());
            if (r.statusCode() != 200 || !errors.isEmpty()) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "the Firestore emulator rejected " + name + " (" + r.statusCode() + "): "
                                + (errors.isEmpty() ? r.body().strip() : String.join("; ", errors)),
                        "fix the rules template; Terraform deploys the same rules to production");
            }
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot load the security rules into the Firestore emulator at " + base + ": " + e.getMessage(),
                    null,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }

    /** The ERROR issues of the emulator's answer ({@code issues[].severity/description/sourcePosition}). */
    static List<String> errors(String answer) {
        List<String> out = new ArrayList<>();
        try {
            JsonNode issues = CvaContext.json().readTree(answer).path("issues");
            for (JsonNode i : issues) {
                if ("ERROR".equals(i.path("severity").asText())) {
                    JsonNode at = i.path("sourcePosition");
                    out.add((at.has("line") ? "line " + at.path("line").asInt() + ": " : "")
                            + i.path("description").asText());
                }
            }
        } catch (IOException e) {
            // not JSON: the status code decides
        }
        return out;
    }
}
