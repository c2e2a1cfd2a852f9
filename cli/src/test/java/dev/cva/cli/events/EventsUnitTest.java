package dev.cva.cli.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's and the simulator's pieces that need no stack. */
class EventsUnitTest {
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
