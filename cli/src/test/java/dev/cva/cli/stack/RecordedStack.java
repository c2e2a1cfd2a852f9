package dev.cva.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.stackclient.ControlToken;
import dev.cva.cli.stackclient.LocalState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A local stack's control channel for tests of its readers: the real {@link ControlServer} (token, loopback,
 * routes) with {@code GET /metrics} answering recorded counts, and the state and token files a running stack
 * writes, owned by this JVM (a live supervisor). The parts themselves do not run.
 */
public final class RecordedStack implements AutoCloseable {
    private final ControlServer server;
    private final Path projectRoot;

    private RecordedStack(ControlServer server, Path projectRoot) {
        this.server = server;
        this.projectRoot = projectRoot;
    }

    /** A "running" stack of {@code projectRoot} whose {@code GET /metrics} answers {@code metricsJson}. */
    public static RecordedStack start(Path projectRoot, String metricsJson) throws IOException {
        JsonNode metrics = CvaContext.json().readTree(metricsJson);
        String token = ControlServer.newToken();
        ControlServer server = new ControlServer(token);
        server.route("GET", "/metrics", (rest, body) -> ControlServer.Reply.ok(metrics));
        ControlToken.write(projectRoot, token);
        new LocalState(
                        ProcessHandle.current().pid(),
                        System.currentTimeMillis(),
                        true,
                        Map.of(),
                        Map.of("controlUrl", server.url()))
                .write(projectRoot);
        return new RecordedStack(server, projectRoot);
    }

    @Override
    public void close() {
        LocalState.delete(projectRoot);
        server.close();
    }
}
