package dev.cva.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Firestore Admin REST calls of a cloud restore, through the real HTTP code path against an in-process fake that
 * answers with the shapes of the v1 API (backups list, databases:restore, databases:clone, operations).
 */
class FirestoreAdminRestTest {
    private static final String TOKEN = "ya29.secret-access-token";
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> bodies = new ConcurrentHashMap<>();
    private final Map<String, Fake> routes = new ConcurrentHashMap<>();
    private final AtomicInteger polls = new AtomicInteger();

    interface Fake {
        Answer answer(HttpExchange exchange);
    }

    record Answer(int status, String body) {}

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String key =
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            requests.add(key + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] in = exchange.getRequestBody().readAllBytes();
            if (in.length > 0) {
                bodies.put(key, CvaContext.json().readTree(in));
            }
            Fake fake = routes.get(key);
            Answer a = fake == null
                    ? new Answer(
                            404,
                            "{\"error\":{\"code\":404,\"message\":\"no route " + key + "\",\"status\":\"NOT_FOUND\"}}")
                    : fake.answer(exchange);
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private FirestoreAdminRest admin() {
        return new FirestoreAdminRest(
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "cv-analytics-prod",
                () -> TOKEN,
                Clock.systemUTC(),
                Duration.ofMillis(20));
    }

    @Test
    void theNewestReadyBackupOfTheReceiversDatabaseIsFound() {
        routes.put("GET /v1/projects/cv-analytics-prod/locations/-/backups", x -> new Answer(200, """
                {"backups":[
                 {"name":"projects/cv-analytics-prod/locations/europe-west2/backups/old","database":"projects/cv-analytics-prod/databases/(default)","snapshotTime":"2026-12-05T01:00:00Z","state":"READY"},
                 {"name":"projects/cv-analytics-prod/locations/europe-west2/backups/newest","database":"projects/cv-analytics-prod/databases/(default)","snapshotTime":"2026-12-06T01:00:00Z","state":"READY"},
                 {"name":"projects/cv-analytics-prod/locations/europe-west2/backups/creating","database":"projects/cv-analytics-prod/databases/(default)","snapshotTime":"2026-12-07T01:00:00Z","state":"CREATING"},
                 {"name":"projects/cv-analytics-prod/locations/europe-west2/backups/other","database":"projects/cv-analytics-prod/databases/other-db","snapshotTime":"2026-12-07T02:00:00Z","state":"READY"}
                ]}"""));
        FirestoreAdminRest.Backup b = admin().newestBackup("(default)").orElseThrow();
        assertThat(b.name()).isEqualTo("projects/cv-analytics-prod/locations/europe-west2/backups/newest");
        assertThat(b.snapshotTime()).isEqualTo(Instant.parse("2026-12-06T01:00:00Z"));
        assertThat(admin().newestBackup("restored-1")).isEmpty();
        assertThat(requests).allMatch(r -> r.endsWith("auth=Bearer " + TOKEN));
    }

    @Test
    void aRestoreFromABackupIsFollowedUntilItsOperationIsDone() {
        String op = "projects/cv-analytics-prod/databases/restored-1/operations/op-1";
        routes.put(
                "POST /v1/projects/cv-analytics-prod/databases:restore",
                x -> new Answer(
                        200,
                        "{\"name\":\"" + op
                                + "\",\"metadata\":{\"@type\":\"type.googleapis.com/google.firestore.admin.v1.RestoreDatabaseMetadata\"}}"));
        routes.put(
                "GET /v1/" + op,
                x -> polls.incrementAndGet() < 3
                        ? new Answer(200, "{\"name\":\"" + op + "\"}")
                        : new Answer(
                                200,
                                "{\"name\":\"" + op
                                        + "\",\"done\":true,\"response\":{\"name\":\"projects/cv-analytics-prod/databases/restored-1\"}}"));
        String backup = "projects/cv-analytics-prod/locations/europe-west2/backups/newest";
        admin().restore(backup, "restored-1", Duration.ofMinutes(1));
        JsonNode body = bodies.get("POST /v1/projects/cv-analytics-prod/databases:restore");
        assertThat(body.path("databaseId").asText()).isEqualTo("restored-1");
        assertThat(body.path("backup").asText()).isEqualTo(backup);
        assertThat(polls.get()).as("polled until done").isEqualTo(3);
    }

    @Test
    void aPointInTimeCloneSendsThePitrSnapshotAndAFailedOperationFailsWithItsMessage() {
        String op = "projects/cv-analytics-prod/databases/restored-2/operations/op-2";
        routes.put(
                "POST /v1/projects/cv-analytics-prod/databases:clone",
                x -> new Answer(200, "{\"name\":\"" + op + "\"}"));
        routes.put(
                "GET /v1/" + op,
                x -> new Answer(
                        200,
                        "{\"name\":\"" + op + "\",\"done\":true,"
                                + "\"error\":{\"code\":9,\"message\":\"snapshot time is outside the PITR window\"}}"));
        Instant at = Instant.parse("2026-12-07T10:15:00Z");
        assertThatThrownBy(() -> admin().cloneAt("(default)", at, "restored-2", Duration.ofMinutes(1)))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("snapshot time is outside the PITR window")
                .hasMessageNotContaining(TOKEN);
        JsonNode body = bodies.get("POST /v1/projects/cv-analytics-prod/databases:clone");
        assertThat(body.path("databaseId").asText()).isEqualTo("restored-2");
        assertThat(body.at("/pitrSnapshot/database").asText())
                .isEqualTo("projects/cv-analytics-prod/databases/(default)");
        assertThat(Instant.parse(body.at("/pitrSnapshot/snapshotTime").asText()))
                .isEqualTo(at);
    }

    @Test
    void aDatabaseThatExistsIsRefusedWithAHintAndNoOperationIsFollowed() {
        routes.put(
                "POST /v1/projects/cv-analytics-prod/databases:restore",
                x -> new Answer(
                        409,
                        "{\"error\":{\"code\":409,\"message\":\"Database already exists.\",\"status\":\"ALREADY_EXISTS\"}}"));
        assertThatThrownBy(() -> admin().restore(
                                "projects/cv-analytics-prod/locations/europe-west2/backups/b",
                                "restored-1",
                                Duration.ofMinutes(1)))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("Database already exists.")
                .satisfies(e -> assertThat(((CvaException) e).hint()).contains("--into"));
        assertThat(requests).hasSize(1);
    }
}
