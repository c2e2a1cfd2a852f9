package dev.cva.cli.stackclient;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Talks to the running stack's control server ({@code stack.ControlServer}): found through the state file's
 * {@code controlUrl} resource, authorised by the owner-only token file. Non-2xx answers become a
 * {@link CvaException} with the server's message.
 */
public final class ControlClient {
    private final URI base;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ControlClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The client of the running stack of {@code projectRoot}; fails with a clear message when none runs. */
    public static ControlClient of(LocalState state, Path projectRoot) {
        String url = state.resource("controlUrl");
        if (url == null) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "the running local stack has no control channel",
                    "restart it with 'cva local down' and 'cva local up --detach'");
        }
        return new ControlClient(URI.create(url), ControlToken.read(projectRoot));
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), Duration.ofSeconds(30));
    }

    /** POSTs {@code body} (any Jackson-writable value, or null) and waits up to {@code timeout} for the answer. */
    public JsonNode post(String path, Object body, Duration timeout) {
        try {
            byte[] bytes = body == null ? new byte[0] : CvaContext.json().writeValueAsBytes(body);
            return send(
                    HttpRequest.newBuilder(base.resolve(path))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                            .header("Content-Type", "application/json"),
                    timeout);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot encode a control request: " + e.getMessage(), null, e);
        }
    }

    private JsonNode send(HttpRequest.Builder b, Duration timeout) {
        try {
            HttpResponse<byte[]> r = http.send(
                    b.header("Authorization", "Bearer " + token)
                            .timeout(timeout)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = r.body().length == 0
                    ? CvaContext.json().nullNode()
                    : CvaContext.json().readTree(r.body());
            if (r.statusCode() / 100 != 2) {
                String message = json.path("error").asText("HTTP " + r.statusCode());
                throw new CvaException(
                        r.statusCode() == 400 || r.statusCode() == 404 ? ExitCode.USAGE : ExitCode.FAILURE,
                        "the local stack refused: " + message,
                        null);
            }
            return json;
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "the local stack's control channel did not answer: " + e.getMessage(),
                    "check it with 'cva local status'",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.FAILURE, "interrupted", null, e);
        }
    }
}
