package dev.cva.processor.support;

import dev.cva.processor.AnalyticsRecord;
import dev.cva.processor.ChatEvent;
import dev.cva.processor.CorrelationStore;
import dev.cva.processor.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The same conditional semantics as the DynamoDB store, in memory, counting calls. Like moto, it never deletes a
 * row past its TTL by itself; {@link #expireNow} plays DynamoDB's TTL sweep.
 */
public final class InMemoryCorrelationStore implements CorrelationStore {
    public final Map<String, Interim> interim = new HashMap<>();
    public final Map<String, AnalyticsRecord> records = new HashMap<>();
    public final List<String> calls = new ArrayList<>();

    @Override
    public synchronized Interim findInterim(String requestId) {
        calls.add("find");
        return interim.get(requestId);
    }

    @Override
    public synchronized ParkResult park(ChatEvent event, long ttlEpochSeconds) {
        calls.add("park");
        Interim row = interim.get(event.requestId());
        if (row != null) {
            return new ParkResult(false, row);
        }
        interim.put(event.requestId(), row(event.type(), event.json(), event.traceId(), ttlEpochSeconds));
        return new ParkResult(true, null);
    }

    @Override
    public synchronized boolean repark(
            String requestId, EventType type, String json, String traceId, Interim seen, long ttlEpochSeconds) {
        calls.add("repark");
        Interim row = interim.get(requestId);
        if (row == null || !Objects.equals(row.ttl(), seen.ttl()) || row.json(type.other()) != null) {
            return false;
        }
        interim.put(requestId, row(type, json, traceId, ttlEpochSeconds));
        return true;
    }

    @Override
    public synchronized boolean putRecord(AnalyticsRecord record) {
        calls.add("put");
        return records.putIfAbsent(record.requestId(), record) == null;
    }

    @Override
    public synchronized void deleteInterim(String requestId) {
        calls.add("delete");
        interim.remove(requestId);
    }

    /** DynamoDB's TTL sweep: removes every row past its TTL at {@code now}. */
    public synchronized void expireNow(long now) {
        interim.values().removeIf(r -> r.expired(now));
    }

    private static Interim row(EventType type, String json, String traceId, long ttl) {
        return type == EventType.QUERY ? new Interim(json, null, ttl, traceId) : new Interim(null, json, ttl, traceId);
    }
}
