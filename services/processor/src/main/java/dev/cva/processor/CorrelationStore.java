package dev.cva.processor;

/**
 * Where halves wait and records land. Every write is conditional, so that each call either happens exactly as
 * asked or reports why not; SDK failures surface as {@link StoreException}. No call needs a transaction: the two
 * halves of a conversation share a FIFO message group, so they are never processed at the same time, and a race
 * that happens anyway (another group, a redelivery) still ends in exactly one record.
 */
public interface CorrelationStore {

    /** The parked halves of one requestId, as the JSON each event arrived with; either may be {@code null}. */
    record Interim(String queryJson, String responseJson) {
        public String json(EventType type) {
            return type == EventType.QUERY ? queryJson : responseJson;
        }
    }

    /** What a park found: {@code parked}, or the live row that blocked it ({@code null} if it vanished since). */
    record ParkResult(boolean parked, Interim current) {}

    /**
     * @return the parked row, or {@code null} when none is parked or its TTL has passed (DynamoDB deletes expired
     *     items late, moto never: readers filter on the TTL attribute). Strongly consistent.
     */
    Interim findInterim(String requestId, long nowEpochSeconds);

    /**
     * Parks {@code event} as the only half of its row, only if no live row exists (none, or one past its TTL).
     * A blocked park returns the row that blocked it.
     */
    ParkResult park(ChatEvent event, long ttlEpochSeconds, long nowEpochSeconds);

    /** Writes {@code record} only if none exists for its requestId; false when one already does. */
    boolean putRecord(AnalyticsRecord record);

    /** Removes the interim row (no condition; idempotent). */
    void deleteInterim(String requestId);
}
