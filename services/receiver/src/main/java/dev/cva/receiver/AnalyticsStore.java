package dev.cva.receiver;

/** Where analytics records go. Implementations translate their SDK's exceptions at this edge. */
public interface AnalyticsStore {

    sealed interface Result permits Stored, Duplicate {}

    /** The record was new and is now stored, its daily counter incremented. */
    record Stored(String requestId) implements Result {}

    /** A record with this id already existed; nothing was changed. */
    record Duplicate(String requestId) implements Result {}

    /**
     * Creates the record if absent and, atomically with it, counts it in its day's statistics.
     *
     * @throws StoreUnavailableException the store is down, overloaded or too slow (retryable)
     * @throws UnstorableException the store refused the record's content (not retryable)
     */
    Result store(AnalyticsRecord record);

    /**
     * Proves the store answers (a read): {@code GET /healthz} reports 503 otherwise.
     *
     * @throws StoreUnavailableException the store is down or too slow
     */
    default void check() {}

    /**
     * One write that touches no record or counter, so a cold instance opens its channel and warms its code paths
     * before the first webhook (a cold Firestore client's first commit can take seconds).
     */
    default void warmUp() {}
}
