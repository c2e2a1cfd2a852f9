package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.local.Child;
import dev.cva.local.FirestoreEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules rendered from their template and loaded into the real Firestore emulator are enforced: a listed reader with a
 * verified e-mail (an emulator mock token, an unsigned JWT) may read, nobody else may, no client may write, and the
 * owner (the receiver's server SDK) bypasses them.
 */
@Timeout(60)
class FirestoreRulesTest {
    static final String PROJECT = "demo-rules-test";
    /** The shape the receiver's rules take (reads for the listed readers, no client writes), as a template. */
    static final String RULES = """
            rules_version = '2';
            service cloud.firestore {
              match /databases/{database}/documents {
                match /{document=**} {
                  allow read: if request.auth != null && request.auth.token.get('email_verified', false) == true
                    && request.auth.token.get('email', '').lower() in ${readers};
                  allow write: if false;
                }
              }
            }
            """;

    @TempDir
    static Path work;

    static Child emulator;
    static String url;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startTheEmulator() {
        Path jar = new FirestoreEmulator(System.getenv(), work.resolve("home")).locate();
        int port = Child.freePort();
        emulator = FirestoreEmulator.start(jar, work, port, PROJECT);
        url = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        if (emulator != null) {
            emulator.stop();
        }
    }

    @Test
    void loadedRulesAreEnforcedAndTheOwnerBypassesThem() throws Exception {
        String doc = url + "/v1/projects/" + PROJECT + "/databases/(default)/documents/analytics/r1";
        String body = "{\"fields\":{\"query\":{\"stringValue\":\"Kubernetes?\"}}}";
        // before any rules the emulator is open: the point of loading them
        assertThat(send("PATCH", doc, body, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", doc, null, null).statusCode()).isEqualTo(200);

        Path project = work.resolve("project");
        Files.createDirectories(project.resolve("infra/services/receiver"));
        Files.writeString(project.resolve(FirestoreRules.FILE), RULES);
        assertThat(FirestoreRules.loadIfPresent(project, url, PROJECT, List.of("Reader@Example.com")))
                .isEqualTo(project.resolve(FirestoreRules.FILE));

        String reader = mockToken(DashboardServer.LOCAL_UID, PROJECT, "READER@example.com", true);
        assertThat(send("GET", doc, null, null).statusCode())
                .as("unauthenticated read")
                .isEqualTo(403);
        HttpResponse<String> read = send("GET", doc, null, reader);
        assertThat(read.statusCode())
                .as("a listed reader (any case): " + read.body())
                .isEqualTo(200);
        assertThat(read.body()).contains("Kubernetes?");
        assertThat(send("GET", doc, null, mockToken("u2", PROJECT, "reader@example.com", false))
                        .statusCode())
                .as("a listed e-mail nobody verified")
                .isEqualTo(403);
        assertThat(send("GET", doc, null, mockToken("u3", PROJECT, "someone@example.com", true))
                        .statusCode())
                .as("an unlisted signed-in user")
                .isEqualTo(403);
        assertThat(send("GET", doc, null, mockToken(DashboardServer.LOCAL_UID)).statusCode())
                .as("signed in without an e-mail")
                .isEqualTo(403);
        assertThat(send("PATCH", doc, body, reader).statusCode())
                .as("client write")
                .isEqualTo(403);
        assertThat(send("DELETE", doc, null, reader).statusCode())
                .as("client delete")
                .isEqualTo(403);
        assertThat(send("PATCH", doc, body, "owner").statusCode())
                .as("owner write")
                .isEqualTo(200);
        assertThat(send("GET", doc, null, "owner").statusCode())
                .as("owner read")
                .isEqualTo(200);
    }

    @Test
    void aBrokenRulesFileFailsWithTheEmulatorsDiagnosis() {
        assertThatThrownBy(() -> FirestoreRules.load(
                        url, PROJECT, "service cloud.firestore { match /x { allow read: if ; } }", "broken.rules"))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("rejected broken.rules");
        assertThat(FirestoreRules.loadIfPresent(work.resolve("nothing-here"), url, PROJECT, List.of()))
                .isNull();
    }

    @Test
    void aTemplateTerraformWouldReadDifferentlyOrAReaderThatIsNoAddressIsAUsageError() throws Exception {
        Path project = work.resolve("odd");
        Files.createDirectories(project.resolve("infra/services/receiver"));
        Files.writeString(project.resolve(FirestoreRules.FILE), RULES.replace("== true", "== ${verified}"));
        assertThatThrownBy(() -> FirestoreRules.loadIfPresent(project, url, PROJECT, List.of("a@example.com")))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("no template syntax but ${readers}")
                .extracting(e -> ((CvaException) e).exitCode())
                .isEqualTo(ExitCode.USAGE);
        Files.writeString(project.resolve(FirestoreRules.FILE), RULES);
        assertThatThrownBy(() ->
                        FirestoreRules.loadIfPresent(project, url, PROJECT, List.of("a@example.com\"] || true || [\"")))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("is not an e-mail address");
    }

    /** An unsigned JWT like the Firebase SDK's {@code mockUserToken}: the emulator accepts it as a signed-in user. */
    static String mockToken(String uid) {
        return mockToken(uid, PROJECT);
    }

    static String mockToken(String uid, String project) {
        return mockToken(uid, project, null, false);
    }

    /** The same with an e-mail (and whether the provider verified it), as the local dashboard's token carries. */
    static String mockToken(String uid, String project, String email, boolean verified) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String payload = "{\"iss\":\"https://securetoken.google.com/" + project + "\",\"aud\":\"" + project + "\","
                + "\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"auth_time\":" + now + ",\"sub\":\"" + uid + "\","
                + (email == null ? "" : "\"email\":\"" + email + "\",\"email_verified\":" + verified + ",")
                + "\"user_id\":\"" + uid + "\",\"firebase\":{\"sign_in_provider\":\"custom\",\"identities\":{}}}";
        return b64.encodeToString("{\"alg\":\"none\",\"type\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private HttpResponse<String> send(String method, String uri, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
