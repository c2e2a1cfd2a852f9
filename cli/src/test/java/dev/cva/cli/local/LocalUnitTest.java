package dev.cva.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.events.ChatEvents;
import dev.cva.cli.events.EventSender;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack's pieces that need no emulator. */
class LocalUnitTest {
    @TempDir
    Path tmp;

    @Test
    void percentilesAreNearestRank() {
        List<Long> values = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(Demo.percentile(values, 50)).isEqualTo(5);
        assertThat(Demo.percentile(values, 95)).isEqualTo(10);
        assertThat(Demo.percentile(List.of(), 95)).isZero();
    }

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

    @Test
    void simulatedEventsHonourTheContracts() {
        ChatEvents events = new ChatEvents(new java.util.Random(1));

        for (int i = 0; i < 50; i++) {
            String id = ChatEvents.newRequestId();
            EventSender.validate(events.query(id, 1_700_000_000_000L + i));
            EventSender.validate(events.response(id, 1_700_000_000_000L + i));
        }
        assertThatThrownBy(() -> EventSender.validate(
                        CvaContext.json().createObjectNode().put("eventType", "query")))
                .isInstanceOf(CvaException.class);
    }
}
