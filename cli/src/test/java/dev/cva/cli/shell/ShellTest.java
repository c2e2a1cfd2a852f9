package dev.cva.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellTest {
    @TempDir
    Path home;

    String session(String input) throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        CvaContext ctx = new CvaContext(
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                System.in,
                Map.of(),
                CliHarness.repoRoot(),
                home,
                Clock.systemUTC(),
                true);
        try (Terminal terminal = new ExternalTerminal(
                "test",
                "xterm",
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                screen,
                StandardCharsets.UTF_8)) {
            new Shell(ctx, terminal).loop();
        }
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsTheSameCommandsAndKeepsHistory() throws Exception {
        String screen = session("config show --json\n--version\nexit\n");
        assertThat(screen).contains("\"environment\" : \"local\"").contains("cva ");
        assertThat(Files.readString(home.resolve(".cva/history"))).contains("config show --json");
    }

    @Test
    void errorsDoNotEndTheShell() throws Exception {
        String screen = session("confg\ndeploy receiver\n--version\n");
        assertThat(screen)
                .contains("Unmatched argument")
                .contains("the local stack is not running")
                .contains("cva 0.");
    }

    @Test
    void tabCompletesCommandNames() throws Exception {
        String screen = session("confi\t show --json\n");
        assertThat(screen).contains("\"environment\" : \"local\"");
    }
}
