package dev.cva.cli.stackclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file through which the clients find a running stack. */
class LocalStateTest {
    @TempDir
    Path tmp;

    @Test
    void stateFileIsWrittenAtomicallyAndReadBack() throws Exception {
        LocalState s = new LocalState(
                ProcessHandle.current().pid(),
                System.currentTimeMillis(),
                true,
                Map.of("receiver", new LocalState.Part("receiver", "http://127.0.0.1:1/", 0, 1, "r")),
                Map.of("queueUrl", "http://q"));
        s.write(tmp);
        try (var files = Files.list(tmp.resolve(".cva/local"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
        }
        LocalState back = LocalState.read(tmp).orElseThrow();
        assertThat(back.url("receiver")).isEqualTo("http://127.0.0.1:1/");
        assertThat(back.supervisorAlive()).isTrue();
        LocalState reused = new LocalState(ProcessHandle.current().pid(), 1L, true, Map.of(), Map.of());
        assertThat(reused.supervisorAlive())
                .as("a pid that started after the state was written is not ours")
                .isFalse();
        LocalState.delete(tmp);
        assertThat(LocalState.read(tmp)).isEmpty();
    }
}
