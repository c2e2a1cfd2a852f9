package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaException;
import dev.cva.cli.stackclient.ControlClient;
import dev.cva.cli.stackclient.ControlToken;
import dev.cva.cli.stackclient.LocalState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
    @TempDir
    Path tmp;

    @Test
    void answersOnlyWithTheOwnersTokenAndRoutesByLongestPrefix() throws Exception {
        String token = ControlServer.newToken();
        ControlToken.write(tmp, token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ControlToken.file(tmp))))
                .isEqualTo("rw-------");
        try (ControlServer server = new ControlServer(token)) {
            server.route(
                    "POST",
                    "/parts/",
                    (rest, body) -> ControlServer.Reply.ok(Map.of("part", rest, "body", new String(body))));
            server.route("POST", "/parts/sqs/", (rest, body) -> ControlServer.Reply.error(409, "sqs is busy"));
            LocalState state = new LocalState(
                    ProcessHandle.current().pid(),
                    System.currentTimeMillis(),
                    true,
                    Map.of(),
                    Map.of("controlUrl", server.url()));
            ControlClient client = ControlClient.of(state, tmp);

            assertThat(client.get("/health").path("ok").asBoolean()).isTrue();
            var answer = client.post("/parts/firestore/stop", Map.of("why", "chaos"), Duration.ofSeconds(5));
            assertThat(answer.path("part").asText()).isEqualTo("firestore/stop");
            assertThat(dev.cva.cli.CvaContext.json()
                            .readTree(answer.path("body").asText())
                            .path("why")
                            .asText())
                    .isEqualTo("chaos");
            assertThatThrownBy(() -> client.post("/parts/sqs/stop", null, Duration.ofSeconds(5)))
                    .isInstanceOf(CvaException.class)
                    .hasMessageContaining("sqs is busy");
            assertThatThrownBy(() -> client.get("/nothing"))
                    .isInstanceOf(CvaException.class)
                    .hasMessageContaining("no route");

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> noToken = http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(401);
            HttpResponse<String> wrong = http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/health"))
                            .header("Authorization", "Bearer " + ControlServer.newToken())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain(token);
            assertThat(server.url()).startsWith("http://127.0.0.1:");
        }
    }
}
