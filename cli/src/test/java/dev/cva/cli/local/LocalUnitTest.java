package dev.cva.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.CliHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local commands without a running stack. */
class LocalUnitTest {
    @TempDir
    Path tmp;

    @Test
    void commandsWithoutARunningStack() {
        CliHarness cva = new CliHarness(tmp);
        CliHarness.Result status = cva.run("local", "status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isEqualTo(1);
        assertThat(status.out()).contains("\"running\" : false");
        assertThat(cva.run("local", "down").exitCode()).isEqualTo(4);
        CliHarness.Result send = cva.run("events", "send", "query", "--query", "hi");
        assertThat(send.exitCode()).isEqualTo(1);
        assertThat(send.err()).contains("not running", "cva local up --detach");
    }

    @Test
    void eventsAreValidatedBeforeSending() {
        CliHarness cva = new CliHarness(tmp);
        CliHarness.Result bad = cva.run("events", "send", "response", "--match-type", "full", "--score", "150");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(5);
        assertThat(bad.err()).contains("breaks its contract", "matchScore");
        assertThat(cva.run("events", "send", "response", "--match-type", "maybe", "--score", "50")
                        .exitCode())
                .isEqualTo(2);
        CliHarness.Result missing = cva.run("events", "send", "query");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(cva.run("local", "status", "--env", "prod").exitCode()).isEqualTo(2);
    }
}
