package dev.cva.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void aPairIsClaimedOnceButTheSameIdWithANewTimestampPasses() {
        ReplayGuard guard = new ReplayGuard(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5), 100);
        long ts = NOW.getEpochSecond();
        assertThat(guard.claim("msg_1", ts)).isTrue();
        assertThat(guard.claim("msg_1", ts)).isFalse();
        assertThat(guard.claim("msg_1", ts + 1)).isTrue();
        guard.release("msg_1", ts);
        assertThat(guard.claim("msg_1", ts)).isTrue();
    }

    @Test
    void aClaimedPairIsStoredOnlyOnceMarked() {
        ReplayGuard guard = new ReplayGuard(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5), 100);
        long ts = NOW.getEpochSecond();
        assertThat(guard.isStored("msg_1", ts)).isFalse();
        assertThat(guard.claim("msg_1", ts)).isTrue();
        assertThat(guard.isStored("msg_1", ts)).as("still being stored").isFalse();
        guard.stored("msg_1", ts);
        assertThat(guard.isStored("msg_1", ts)).isTrue();
        assertThat(guard.claim("msg_1", ts)).as("a repeat is not claimed again").isFalse();
        assertThat(guard.isStored("msg_1", ts + 1))
                .as("another timestamp is another request")
                .isFalse();
        guard.stored("msg_2", ts); // never claimed: nothing to mark
        assertThat(guard.isStored("msg_2", ts)).isFalse();
    }

    @Test
    void memoryIsBoundedAndExpiredPairsAreForgotten() {
        Instant[] now = {NOW};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        ReplayGuard guard = new ReplayGuard(clock, Duration.ofMinutes(5), 1000);
        for (int i = 0; i < 5000; i++) {
            guard.claim("msg_" + i, NOW.getEpochSecond());
        }
        assertThat(guard.size()).isEqualTo(1000);
        now[0] = NOW.plus(Duration.ofMinutes(6));
        guard.claim("msg_late", now[0].getEpochSecond());
        assertThat(guard.size()).isEqualTo(1);
    }
}
