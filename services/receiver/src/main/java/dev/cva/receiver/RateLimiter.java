package dev.cva.receiver;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A per-instance token bucket (Bucket4j): {@code burst} tokens, refilled at {@code perSecond}. Thread-safe.
 * Time comes from the given {@link Clock}, so a test can hold it still (no refill) or move it on.
 */
public final class RateLimiter {
    private final Bucket bucket;

    public RateLimiter(long perSecond, long burst, Clock clock) {
        this.bucket = Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(burst)
                        .refillGreedy(perSecond, Duration.ofSeconds(1))
                        .build())
                .withCustomTimePrecision(new ClockTimeMeter(clock))
                .build();
    }

    /** @return 0 when the request may proceed, else the whole seconds to wait (at least 1), for Retry-After */
    public long tryAcquire() {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        long nanos = probe.getNanosToWaitForRefill();
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    private record ClockTimeMeter(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
