package dev.cva.processor.support;

import dev.cva.processor.AnalyticsRecord;
import dev.cva.processor.ChatEvent;
import dev.cva.processor.CorrelationStore;
import dev.cva.processor.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The same conditional semantics as the DynamoDB store, in memory, counting calls. */
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
        if (records.containsKey(event.requestId())) {
            return new ParkResult(Outcome.ALREADY_COMPLETED, null);
        }
        Interim row = interim.get(event.requestId());
        if (row != null && (row.json(event.type()) != null || row.json(event.type().other()) != null)) {
            return new ParkResult(Outcome.CONFLICT, row);
        }
        interim.put(event.requestId(), event.type() == EventType.QUERY
                ? new Interim(event.json(), null) : new Interim(null, event.json()));
        return new ParkResult(Outcome.DONE, null);
    }

    @Override
    public synchronized Outcome complete(AnalyticsRecord record, EventType parked) {
        calls.add("complete");
        if (records.containsKey(record.requestId())) {
            return Outcome.ALREADY_COMPLETED;
        }
        Interim row = interim.get(record.requestId());
        if (row == null || row.json(parked) == null) {
            return Outcome.CONFLICT;
        }
        records.put(record.requestId(), record);
        interim.remove(record.requestId());
        return Outcome.DONE;
    }

    @Override
    public synchronized void deleteInterim(String requestId) {
        calls.add("delete");
        interim.remove(requestId);
    }
}
