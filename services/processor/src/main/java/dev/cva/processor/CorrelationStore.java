package dev.cva.processor;

/**
 * Where halves wait and records land. Implementations make every write conditional, so that each call either
 * happens exactly as asked or reports why not; SDK failures surface as {@link StoreException}.
 */
public interface CorrelationStore {

    /** The parked halves of one requestId, as the JSON each event arrived with; either may be {@code null}. */
    record Interim(String queryJson, String responseJson) {
        public String json(EventType type) {
            return type == EventType.QUERY ? queryJson : responseJson;
        }
    }

    /** What a conditional write found. */
    enum Outcome {
        /** The write happened. */
        DONE,
        /** The analytics record already exists: the event is a duplicate or a redelivery after completion. */
        ALREADY_COMPLETED,
        /** The interim row changed since it was read (a concurrent half or duplicate); read again and retry. */
        CONFLICT
    }

    /** @return the interim row, or {@code null} when none is parked (strongly consistent read) */
    Interim findInterim(String requestId);

    /** The outcome of {@link #park}; on {@code CONFLICT}, {@code current} is the row that blocked it when known. */
    record ParkResult(Outcome outcome, Interim current) {}

    /**
     * Parks {@code event} in the interim row, only if no record exists for its requestId, neither the other half
     * nor this half is parked yet, all in one transaction.
     */
    ParkResult park(ChatEvent event, long ttlEpochSeconds);

    /**
     * Writes {@code record} only if none exists, and deletes the interim row only if it still holds the
     * {@code parked} half, in one transaction.
     */
    Outcome complete(AnalyticsRecord record, EventType parked);

    /** Removes a leftover interim row (no condition; idempotent). */
    void deleteInterim(String requestId);
}
