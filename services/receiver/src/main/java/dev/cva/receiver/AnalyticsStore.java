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
}
