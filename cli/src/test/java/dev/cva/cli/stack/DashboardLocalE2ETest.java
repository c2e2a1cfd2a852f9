package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.stackclient.FirestoreRest;
import dev.cva.cli.stackclient.LocalState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in the whole local stack: {@code cva local demo --keep} leaves a detached stack that serves the built
 * app and a config.json aimed at its Firestore emulator, {@code cva local status} lists it, and the project's rules
 * are enforced on the emulator, rendered with cva.yaml's dashboard readers (the receiver, the emulator's owner, still
 * writes every record).
 */
class DashboardLocalE2ETest {
    @TempDir
    Path project;

    private CliHarness cva;

    @BeforeEach
    void projectWithAStandInDashboardAndRules() throws Exception {
        Path repo = CliHarness.repoRoot();
        Files.copy(repo.resolve("cva.yaml"), project.resolve("cva.yaml"));
        CliHarness.linkPolicies(project);
        Files.createDirectories(project.resolve("services"));
        for (String m : List.of("receiver", "processor", "notifier", "reporter")) {
            Files.createSymbolicLink(project.resolve("services/" + m), repo.resolve("services/" + m));
        }
        Path dist = project.resolve("services/dashboard/dist");
        Files.createDirectories(dist.resolve("assets"));
        Files.writeString(project.resolve("services/dashboard/package.json"), "{\"name\":\"dashboard\"}");
        Files.writeString(dist.resolve("index.html"), "<!doctype html><title>CV Analytics dashboard</title>");
        Files.writeString(dist.resolve("assets/app.js"), "fetch('./config.json')");
        Files.createDirectories(project.resolve("infra/services/receiver"));
        Files.copy(repo.resolve(FirestoreRules.FILE), project.resolve(FirestoreRules.FILE)); // the real template
        cva = new CliHarness(project).env("CVA_LOCAL_SES", "outbox");
    }

    @Test
    @Timeout(180)
    void demoKeepLeavesTheDashboardRunningUnderTheProjectsRules() throws Exception {
        CliHarness.Result demo = cva.run(
                "local",
                "demo",
                "--keep",
                "--conversations",
                "5",
                "--early",
                "1",
                "--duplicates",
                "1",
                "--poison",
                "1",
                "--timeout",
                "60");
        try {
            assertThat(demo.exitCode()).as(demo.toString()).isZero();
            LocalState state = LocalState.read(project).orElseThrow();
            assertThat(state.supervisorAlive())
                    .as("the stack outlives the demo")
                    .isTrue();
            String url = state.url("dashboard");
            assertThat(url).startsWith("http://127.0.0.1:");
            assertThat(demo.out()).contains("dashboard").contains(url);
            assertThat(demo.err()).contains("keeps running", url, "cva local down");
            assertThat(state.resource("firestoreRules")).endsWith(FirestoreRules.FILE);

            CliHarness.Result status = cva.run("local", "status", "--json");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            JsonNode parts = CvaContext.json().readTree(status.out()).path("parts");
            JsonNode dashboard = null;
            for (JsonNode p : parts) {
                if (p.path("name").asText().equals("dashboard")) {
                    dashboard = p;
                }
            }
            assertThat(dashboard).as(status.out()).isNotNull();
            assertThat(dashboard.path("healthy").asBoolean()).isTrue();

            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, url, null).body()).contains("CV Analytics dashboard");
            JsonNode config = CvaContext.json()
                    .readTree(get(http, url + "config.json", null).body());
            assertThat(config.path("firebase").path("projectId").asText()).isEqualTo(state.resource("gcpProject"));
            assertThat(config.path("emulator").path("firestorePort").asInt())
                    .isEqualTo(state.parts().get("firestore").port());
            assertThat(config.path("auth").path("mode").asText()).isEqualTo("emulator");
            // it signs in as the first of cva.yaml's local dashboard readers
            String email = config.path("auth").path("email").asText();
            assertThat(email).isEqualTo("owner@cv-analytics.local");

            // the receiver wrote every record through the rules (as the owner); a client reads only as a listed reader
            String id = new FirestoreRest(state.url("firestore"), state.resource("gcpProject"))
                    .receivedAt()
                    .keySet()
                    .iterator()
                    .next();
            String doc = state.url("firestore") + "/v1/projects/" + state.resource("gcpProject")
                    + "/databases/(default)/documents/analytics/" + id;
            assertThat(get(http, doc, null).statusCode())
                    .as("unauthenticated read")
                    .isEqualTo(403);
            String uid = config.path("auth").path("uid").asText();
            assertThat(get(http, doc, FirestoreRulesTest.mockToken(uid, state.resource("gcpProject"), email, true))
                            .statusCode())
                    .as("the dashboard's own sign-in reads")
                    .isEqualTo(200);
            assertThat(get(
                                    http,
                                    doc,
                                    FirestoreRulesTest.mockToken(
                                            uid, state.resource("gcpProject"), "stranger@example.com", true))
                            .statusCode())
                    .as("an unlisted signed-in user")
                    .isEqualTo(403);

            // a restarted emulator starts open: the stack loads the rules again before it answers
            assertThat(cva.run("local", "stop", "firestore").exitCode()).isZero();
            CliHarness.Result start = cva.run("local", "start", "firestore");
            assertThat(start.exitCode()).as(start.toString()).isZero();
            assertThat(get(http, doc, null).statusCode())
                    .as("unauthenticated read after a restart")
                    .isEqualTo(403);
            assertThat(get(
                                    http,
                                    doc,
                                    FirestoreRulesTest.mockToken(
                                            uid, state.resource("gcpProject"), "stranger@example.com", true))
                            .statusCode())
                    .as("an unlisted user after a restart")
                    .isEqualTo(403);
            assertThat(get(http, doc, FirestoreRulesTest.mockToken(uid, state.resource("gcpProject"), email, true))
                            .statusCode())
                    .as("the reader after a restart (the data imported)")
                    .isEqualTo(200);
        } finally {
            CliHarness.Result down = cva.run("local", "down", "--json");
            assertThat(down.exitCode()).as(down.toString()).isZero();
        }
        assertThat(LocalState.read(project)).isEmpty();
    }

    private static HttpResponse<String> get(HttpClient http, String url, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
