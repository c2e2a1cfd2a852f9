package dev.cva.processor.support;

import dev.cva.processor.AnalyticsRecord;
import dev.cva.processor.ChatEvent;
import dev.cva.processor.CorrelationStore;
import dev.cva.processor.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The same conditional semantics as the DynamoDB store (TTL included), in memory, counting calls. */
public final class InMemoryCorrelationStore implements CorrelationStore {
    public record Row(Interim halves, long ttl) {}

    public final Map<String, Row> interim = new HashMap<>();
    public final Map<String, AnalyticsRecord> records = new HashMap<>();
    public final List<String> calls = new ArrayList<>();

    @Override
    public synchronized Interim findInterim(String requestId, long now) {
        calls.add("find");
        return live(requestId, now);
    }

    @Override
    public synchronized ParkResult park(ChatEvent event, long ttlEpochSeconds, long now) {
        calls.add("park");
        Interim row = live(event.requestId(), now);
        if (row != null) {
            return new ParkResult(false, row);
        }
        interim.put(event.requestId(), new Row(event.type() == EventType.QUERY
                ? new Interim(event.json(), null) : new Interim(null, event.json()), ttlEpochSeconds));
        return new ParkResult(true, null);
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

    private Interim live(String requestId, long now) {
        Row row = interim.get(requestId);
        return row == null || row.ttl() < now ? null : row.halves();
    }
}
