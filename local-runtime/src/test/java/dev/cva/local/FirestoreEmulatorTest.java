package dev.cva.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and fetching the Firestore emulator. */
class FirestoreEmulatorTest {
    @TempDir
    Path tmp;

    @Test
    void firestoreEmulatorDownloadIsCheckedAndCached() throws Exception {
        byte[] jar = "not really a jar".getBytes();
        AtomicInteger downloads = new AtomicInteger();
        HttpServer server = LoopbackHttp.create(0, 0);
        server.createContext("/emulator.jar", ex -> {
            downloads.incrementAndGet();
            ex.sendResponseHeaders(200, jar.length);
            ex.getResponseBody().write(jar);
            ex.close();
        });
        server.start();
        try {
            Path file = tmp.resolve("f.jar");
            Files.write(file, jar);
            String sha = FirestoreEmulator.sha256(file);
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/emulator.jar";
            FirestoreEmulator emulator = new FirestoreEmulator(Map.of("PATH", ""), tmp.resolve("home"));
            Path cached = emulator.cached(url, sha);
            assertThat(cached)
                    .startsWith(tmp.resolve("home/.cva/cache/firestore-emulator"))
                    .hasBinaryContent(jar);
            assertThat(emulator.cached(url, sha)).isEqualTo(cached);
            assertThat(downloads).hasValue(1);
            assertThatThrownBy(() -> emulator.cached(url, "0".repeat(64)))
                    .isInstanceOf(LocalRuntimeException.VerificationFailed.class)
                    .hasMessageContaining("SHA-256");
            assertThatThrownBy(() -> emulator.cached("http://127.0.0.1:1/none.jar", "1".repeat(64)))
                    .isInstanceOfSatisfying(
                            LocalRuntimeException.class,
                            e -> assertThat(e.hint()).contains("gcloud components install cloud-firestore-emulator"));
            Files.write(cached, "tampered".getBytes());
            assertThat(emulator.cached(url, sha)).hasBinaryContent(jar);
            assertThat(downloads).hasValue(3);
        } finally {
            server.stop(0);
        }
    }
}
