package dev.cva.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A service line with a JSON null field (the redrive logs {@code "stoppedBy": null}) is read, that field left out. */
class LogLineNullFieldTest {
    @Test
    void aNullFieldIsLeftOutInsteadOfFailingTheRead() {
        String raw =
                "{\"time\":\"2026-12-07T12:49:43.267Z\",\"severity\":\"INFO\",\"level\":\"INFO\",\"service\":\"notifier-redrive\","
                        + "\"message\":\"redrive: nothing to move\",\"event\":\"redrive\",\"moved\":0,\"stoppedBy\":null}";
        LogLine line = LogLines.parse(raw, "notifier", Instant.EPOCH);
        assertThat(line.service()).isEqualTo("notifier-redrive");
        assertThat(line.message()).isEqualTo("redrive: nothing to move");
        assertThat(line.fields())
                .containsEntry("event", "redrive")
                .containsEntry("moved", 0)
                .doesNotContainKey("stoppedBy");
    }
}
