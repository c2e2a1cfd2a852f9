package dev.cva.receiver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** A fake of the store port for pure-logic tests; the Firestore implementation is tested against the emulator. */
final class InMemoryAnalyticsStore implements AnalyticsStore {
    final Map<String, AnalyticsRecord> records = new ConcurrentHashMap<>();
    final Map<String, Long> totals = new ConcurrentHashMap<>();
    final AtomicBoolean down = new AtomicBoolean();

    @Override
    public synchronized Result store(AnalyticsRecord record) {
        if (down.get()) {
            throw new StoreUnavailableException("store is down (fake)", null);
        }
        if (records.putIfAbsent(record.requestId(), record) != null) {
            return new Duplicate(record.requestId());
        }
        totals.merge(record.day().toString(), 1L, Long::sum);
        return new Stored(record.requestId());
    }
}
