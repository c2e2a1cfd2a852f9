package dev.cva.receiver;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/** A per-instance token bucket (Bucket4j): {@code burst} tokens, refilled at {@code perSecond}. Thread-safe. */
public final class RateLimiter {
    private final Bucket bucket;

    public RateLimiter(long perSecond, long burst) {
        this.bucket = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
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
}
