package dev.cva.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules loaded into the real Firestore emulator are enforced: a signed-in reader (an emulator mock token, an unsigned
 * JWT) may read, nobody else may, no client may write, and the owner (the receiver's server SDK) bypasses them.
 */
@Timeout(60)
class FirestoreRulesTest {
    static final String PROJECT = "demo-rules-test";
    /** The shape the receiver's rules take (reads for signed-in users, no client writes). */
    static final String RULES = """
            rules_version = '2';
            service cloud.firestore {
              match /databases/{database}/documents {
                match /{document=**} {
                  allow read: if request.auth != null;
                  allow write: if false;
                }
              }
            }
            """;

    @TempDir static Path work;
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
        assertThat(FirestoreRules.loadIfPresent(project, url, PROJECT)).isEqualTo(project.resolve(FirestoreRules.FILE));

        String user = mockToken(DashboardServer.LOCAL_UID);
        assertThat(send("GET", doc, null, null).statusCode()).as("unauthenticated read").isEqualTo(403);
        HttpResponse<String> read = send("GET", doc, null, user);
        assertThat(read.statusCode()).as("signed-in read: " + read.body()).isEqualTo(200);
        assertThat(read.body()).contains("Kubernetes?");
        assertThat(send("PATCH", doc, body, user).statusCode()).as("client write").isEqualTo(403);
        assertThat(send("DELETE", doc, null, user).statusCode()).as("client delete").isEqualTo(403);
        assertThat(send("PATCH", doc, body, "owner").statusCode()).as("owner write").isEqualTo(200);
        assertThat(send("GET", doc, null, "owner").statusCode()).as("owner read").isEqualTo(200);
    }

    @Test
    void aBrokenRulesFileFailsWithTheEmulatorsDiagnosis() {
        assertThatThrownBy(() -> FirestoreRules.load(url, PROJECT, "service cloud.firestore { match /x { allow read: if ; } }", "broken.rules"))
                .isInstanceOf(CvaException.class).hasMessageContaining("rejected broken.rules");
        assertThat(FirestoreRules.loadIfPresent(work.resolve("nothing-here"), url, PROJECT)).isNull();
    }

    /** An unsigned JWT like the Firebase SDK's {@code mockUserToken}: the emulator accepts it as a signed-in user. */
    static String mockToken(String uid) {
        return mockToken(uid, PROJECT);
    }

    static String mockToken(String uid, String project) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String payload = "{\"iss\":\"https://securetoken.google.com/" + project + "\",\"aud\":\"" + project + "\","
                + "\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"auth_time\":" + now + ",\"sub\":\"" + uid + "\","
                + "\"user_id\":\"" + uid + "\",\"firebase\":{\"sign_in_provider\":\"custom\",\"identities\":{}}}";
        return b64.encodeToString("{\"alg\":\"none\",\"type\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private HttpResponse<String> send(String method, String uri, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).method(method,
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
