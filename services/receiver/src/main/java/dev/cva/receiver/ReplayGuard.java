package dev.cva.receiver;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the ({@code webhook-id}, {@code webhook-timestamp}) pairs of verified Standard Webhooks requests
 * for as long as their timestamp is within the tolerance, so the very same request is never stored twice nor
 * spends the signed budget twice. A repeat is not always an attack: two notifier runs handed the same stream record
 * in the same second send byte-identical requests. So the guard also knows whether the first one was stored (the
 * repeat is a duplicate) or is still being stored (the repeat must come again).
 * Memory is bounded: at most {@code maxEntries} pairs; beyond that the oldest are forgotten.
 * Per instance only: other instances rely on the store's idempotency.
 */
public final class ReplayGuard {
    private final Clock clock;
    private final long toleranceSeconds;
    private final int maxEntries;
    /** key "id\u0000timestamp" → when the entry is useless (the verifier refuses it as stale), and if it was stored. */
    private final LinkedHashMap<String, Seen> seen;

    private record Seen(long expiry, boolean stored) {}

    public ReplayGuard(Clock clock, Duration tolerance, int maxEntries) {
        this.clock = clock;
        this.toleranceSeconds = tolerance.toSeconds();
        this.maxEntries = maxEntries;
        this.seen = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
                return size() > ReplayGuard.this.maxEntries;
            }
        };
    }

    /** Records the pair; {@code false} when it was already seen and has not expired (a replay). */
    public synchronized boolean claim(String id, long timestamp) {
        long now = clock.instant().getEpochSecond();
        purge(now);
        String key = key(id, timestamp);
        Seen entry = seen.get(key);
        if (entry != null && entry.expiry() >= now) {
            return false;
        }
        seen.put(key, new Seen(timestamp + toleranceSeconds, false));
        return true;
    }

    /** Marks a claimed pair as stored: a repeat of it is a duplicate delivery. */
    public synchronized void stored(String id, long timestamp) {
        seen.computeIfPresent(key(id, timestamp), (k, e) -> new Seen(e.expiry(), true));
    }

    /** Whether the pair was claimed and its request stored ({@code false} while it is still being stored). */
    public synchronized boolean isStored(String id, long timestamp) {
        Seen entry = seen.get(key(id, timestamp));
        return entry != null && entry.stored();
    }

    /** Forgets a claimed pair, e.g. when its request could not be stored, so the sender may resend it as is. */
    public synchronized void release(String id, long timestamp) {
        seen.remove(key(id, timestamp));
    }

    public synchronized int size() {
        return seen.size();
    }

    private void purge(long now) {
        Iterator<Seen> it = seen.values().iterator();
        // Entries arrive roughly in timestamp order; stop at the first live one (the cap bounds the rest).
        while (it.hasNext()) {
            if (it.next().expiry() < now) {
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
