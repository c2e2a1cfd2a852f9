package dev.cva.receiver;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the ({@code webhook-id}, {@code webhook-timestamp}) pairs of verified Standard Webhooks requests
 * for as long as their timestamp is within the tolerance, so an exact replay is refused. A legitimate retry
 * is signed again with a new timestamp and passes (the idempotent store then answers "duplicate").
 * Memory is bounded: at most {@code maxEntries} pairs; beyond that the oldest are forgotten.
 * Per instance only: other instances rely on the store's idempotency.
 */
public final class ReplayGuard {
    private final Clock clock;
    private final long toleranceSeconds;
    private final int maxEntries;
    /** key "id\u0000timestamp" → epoch second after which the entry is useless (the verifier refuses it as stale). */
    private final LinkedHashMap<String, Long> seen;

    public ReplayGuard(Clock clock, Duration tolerance, int maxEntries) {
        this.clock = clock;
        this.toleranceSeconds = tolerance.toSeconds();
        this.maxEntries = maxEntries;
        this.seen = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > ReplayGuard.this.maxEntries;
            }
        };
    }

    /** Records the pair; {@code false} when it was already seen and has not expired (a replay). */
    public synchronized boolean claim(String id, long timestamp) {
        long now = clock.instant().getEpochSecond();
        purge(now);
        String key = key(id, timestamp);
        Long expiry = seen.get(key);
        if (expiry != null && expiry >= now) {
            return false;
        }
        seen.put(key, timestamp + toleranceSeconds);
        return true;
    }

    /** Forgets a claimed pair, e.g. when its request could not be stored, so the sender may resend it as is. */
    public synchronized void release(String id, long timestamp) {
        seen.remove(key(id, timestamp));
    }

    public synchronized int size() {
        return seen.size();
    }

    private void purge(long now) {
        Iterator<Long> it = seen.values().iterator();
        // Entries arrive roughly in timestamp order; stop at the first live one (the cap bounds the rest).
        while (it.hasNext()) {
            if (it.next() < now) {
                it.remove();
            } else {
                break;
            }
        }
    }

    private static String key(String id, long timestamp) {
        return id + '\u0000' + timestamp;
    }
}
