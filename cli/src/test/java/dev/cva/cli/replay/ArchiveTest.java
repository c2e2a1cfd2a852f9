package dev.cva.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.replay.SqsPort;
import dev.cva.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --archive FILE}: the bodies it holds are the owner's alone, from the moment the file exists. */
class ArchiveTest {
    @TempDir
    Path dir;

    @BeforeEach
    void posixOnly() throws IOException {
        Tools.require(
                Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class),
                "POSIX permissions on the temporary folder's file system",
                "the archive's owner-only mode");
    }

    @Test
    void aNewArchiveIsCreatedOwnerOnlyBeforeAnythingIsWritten() throws IOException {
        Path file = dir.resolve("audit/replay.jsonl");
        try (Archive archive = new Archive(file)) {
            // Created by the constructor, before any line: already 0600, not tightened after writing.
            assertThat(mode(file)).isEqualTo("rw-------");
            archive.write("http://127.0.0.1/q", List.of(message("m-1")), 1L);
        }
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(Files.readAllLines(file)).singleElement().asString().contains("\"messageId\":\"m-1\"");
    }

    @Test
    void anExistingArchiveIsAppendedToAndKeepsItsOwnersPermissions() throws IOException {
        Path file = dir.resolve("replay.jsonl");
        Files.writeString(file, "{\"earlier\":true}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        try (Archive archive = new Archive(file)) {
            archive.write("http://127.0.0.1/q", List.of(message("m-2")), 2L);
        }
        assertThat(mode(file)).isEqualTo("rw-r-----");
        assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("{\"earlier\":true}");
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static SqsPort.Message message(String id) {
        return new SqsPort.Message(
                id,
                "receipt-" + id,
                "{\"eventType\":\"query\"}",
                Map.of("MessageGroupId", "g1", "ApproximateReceiveCount", "1"),
                Map.of());
    }
}
