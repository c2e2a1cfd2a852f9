package dev.cva.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-11-24T10:00:00Z"));

    @Test
    void aBurstThenOneTokenPerRefillAndRetryAfterInWholeSeconds() {
        RateLimiter limiter = new RateLimiter(2, 3, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire()).as("token " + i).isZero();
        }
        assertThat(limiter.tryAcquire()).isEqualTo(1); // 0.5 s to the next token, rounded up
        clock.advance(Duration.ofMillis(499));
        assertThat(limiter.tryAcquire()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.tryAcquire()).isZero();
        assertThat(limiter.tryAcquire()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(60)); // refills to the burst, no further
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire())
                    .as("token " + i + " after a minute")
                    .isZero();
        }
        assertThat(limiter.tryAcquire()).isEqualTo(1);
    }

    @Test
    void aFixedClockNeverRefills() {
        RateLimiter heldStill = new RateLimiter(1, 1, java.time.Clock.fixed(clock.instant(), java.time.ZoneOffset.UTC));
        assertThat(heldStill.tryAcquire()).isZero();
        assertThat(heldStill.tryAcquire()).isEqualTo(1);
        assertThat(heldStill.tryAcquire()).as("a fixed clock never refills").isEqualTo(1);
    }
}
