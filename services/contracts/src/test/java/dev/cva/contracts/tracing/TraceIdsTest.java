package dev.cva.contracts.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceIdsTest {
    @Test
    void readsTheTraceIdOfAW3cTraceparent() {
        assertThat(TraceIds.fromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .contains("4bf92f3577b34da6a3ce929d0e0e4736");
        // a future version may append fields
        assertThat(TraceIds.fromTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra"))
                .contains("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "garbage",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"
            })
    void ignoresAMalformedTraceparent(String header) {
        assertThat(TraceIds.fromTraceparent(header)).isEmpty();
    }

    @Test
    void readsTheRootOfAnXRayHeader() {
        assertThat(TraceIds.fromXRay("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"))
                .contains("5759e988bd862e3fe1be46a994272793");
        assertThat(TraceIds.fromXRay("Parent=53995c3f42cd8ad8;Root=1-5759E988-BD862E3FE1BE46A994272793"))
                .contains("5759e988bd862e3fe1be46a994272793");
        assertThat(TraceIds.fromXRay("Root=2-5759e988-bd862e3fe1be46a994272793"))
                .isEmpty();
        assertThat(TraceIds.fromXRay("Self=1-5759e988-bd862e3fe1be46a994272793"))
                .isEmpty();
        assertThat(TraceIds.fromXRay(null)).isEmpty();
    }

    @Test
    void newIdsAreValidAndTheHeaderRoundTrips() {
        Random random = new Random(26);
        for (int i = 0; i < 100; i++) {
            String id = TraceIds.newTraceId(random);
            assertThat(TraceIds.isTraceId(id)).as(id).isTrue();
            String header = TraceIds.traceparent(id);
            assertThat(header).matches("00-" + id + "-[0-9a-f]{16}-01");
            assertThat(TraceIds.fromTraceparent(header)).contains(id);
        }
        assertThat(TraceIds.traceparent("4bf92f3577b34da6a3ce929d0e0e4736"))
                .isNotEqualTo(TraceIds.traceparent("4bf92f3577b34da6a3ce929d0e0e4736")); // a new span each time
        assertThatThrownBy(() -> TraceIds.traceparent("0".repeat(32))).isInstanceOf(IllegalArgumentException.class);
    }
}
