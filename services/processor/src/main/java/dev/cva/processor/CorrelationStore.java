package dev.cva.processor;

/**
 * Where halves wait and records land. Every write is conditional, so that each call either happens exactly as
 * asked or reports why not; SDK failures surface as {@link StoreException}. No call needs a transaction: the two
 * halves of a conversation share a FIFO message group, so they are never processed at the same time, and a race
 * that happens anyway (another group, a redelivery) still ends in exactly one record.
 */
public interface CorrelationStore {

    /**
     * The parked halves of one requestId, as the JSON each event arrived with (either may be {@code null}), the
     * row's TTL in epoch seconds ({@code null} if it has none), and the parked half's trace id ({@code null} for a
     * row parked before trace ids existed; a row holds one half at a time, so one trace id).
     */
    record Interim(String queryJson, String responseJson, Long ttl, String traceId) {
        public Interim(String queryJson, String responseJson) {
            this(queryJson, responseJson, null, null);
        }

        public Interim(String queryJson, String responseJson, Long ttl) {
            this(queryJson, responseJson, ttl, null);
        }

        public String json(EventType type) {
            return type == EventType.QUERY ? queryJson : responseJson;
        }

        /** Past its TTL: DynamoDB may delete it any time now (lazily, within days; moto never does). */
        public boolean expired(long nowEpochSeconds) {
            return ttl != null && ttl < nowEpochSeconds;
        }
    }

    /** What a park found: {@code parked}, or the row that blocked it ({@code null} if it vanished since). */
    record ParkResult(boolean parked, Interim current) {}

    /**
     * @return the parked row, expired or not (the caller decides: an expired row's halves are still good data), or
     *     {@code null} when there is none. Strongly consistent.
     */
    Interim findInterim(String requestId);

    /**
     * Parks {@code event} as the only half of its row, only if no row exists at all: a row past its TTL may still
     * hold the partner, so it is never overwritten here. A blocked park returns the row that blocked it.
     */
    ParkResult park(ChatEvent event, long ttlEpochSeconds);

    /**
     * Replaces the row {@code seen} (an expired or empty one) with a row holding only {@code json} as the
     * {@code type} half (with its {@code traceId}, may be {@code null}) and a new TTL, only if the row is still as
     * seen (same TTL) and holds no other half.
     *
     * @return false when the row changed or vanished since it was seen
     */
    boolean repark(String requestId, EventType type, String json, String traceId, Interim seen, long ttlEpochSeconds);

    /** Writes {@code record} only if none exists for its requestId; false when one already does. */
    boolean putRecord(AnalyticsRecord record);

    /** Removes the interim row (no condition; idempotent). */
    void deleteInterim(String requestId);
}
