package dev.cva.cli.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.local.Child;
import dev.cva.local.FirestoreEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva trace}'s Firestore hop reads the receiver's database (gcp.firestoreDatabase), not always
 * {@code (default)}: after a restore switched the receiver to a new database, its documents are there. Against the
 * Firestore emulator, which keeps named databases apart.
 */
@Timeout(120)
class FirestoreDocumentsTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheConfiguredDatabaseAndDefaultsToTheDefaultOne() throws Exception {
        Path jar = new FirestoreEmulator(System.getenv(), tmp.resolve("home")).locate();
        int port = Child.freePort();
        Child emulator = FirestoreEmulator.start(jar, Files.createDirectories(tmp.resolve("emulator")), port, "p");
        try {
            String base = "http://127.0.0.1:" + port;
            write(base, "r20261207150000", "only-in-restored", 1796656139926L);
            write(base, "(default)", "only-in-default", 1796656139000L);

            FirestoreDocuments restored = new FirestoreDocuments(base, "p", "r20261207150000", () -> "owner");
            assertThat(restored.analytics("only-in-restored")).hasValueSatisfying(d -> {
                assertThat(d.name()).isEqualTo("analytics/only-in-restored");
                assertThat(d.receivedAt()).isEqualTo(1796656139926L);
            });
            assertThat(restored.analytics("only-in-default")).isEmpty();

            FirestoreDocuments unset = new FirestoreDocuments(base, "p", null, () -> "owner");
            assertThat(unset.analytics("only-in-default")).isPresent();
            assertThat(unset.analytics("only-in-restored")).isEmpty();
        } finally {
            emulator.stop();
        }
    }

    private static void write(String base, String database, String id, long receivedAt) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        base + "/v1/projects/p/databases/" + database + "/documents/analytics/" + id))
                                .header("Authorization", "Bearer owner")
                                .header("Content-Type", "application/json")
                                .method(
                                        "PATCH",
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"fields\":{\"receivedAt\":{\"integerValue\":\"" + receivedAt
                                                        + "\"}}}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
