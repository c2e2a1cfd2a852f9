package dev.cva.processor;

import dev.cva.processor.CorrelationStore.Interim;
import java.time.Clock;
import java.time.Duration;

/**
 * Correlates the two halves of a request in any order. Both halves in one batch become the record at once, with
 * one conditional write and no parked row. Otherwise the first half to arrive is parked (a conditional put) and
 * the second writes the record (a conditional put) and removes the parked half (a delete). Every write is
 * conditional, so a duplicate, a redelivery after completion, or two halves racing each other can never write a
 * second record or drop a half: a lost race is re-read and retried here. A parked row past its TTL is still the
 * partner's data: it is used, never overwritten.
 */
public final class Correlator {

    /** What happened to one event. */
    public sealed interface Result permits Parked, Completed, Duplicate {}

    /** The first half of its request; now waiting for the other. */
    public record Parked(EventType type) implements Result {}

    /** The second half: the record was written. */
    public record Completed(AnalyticsRecord record) implements Result {}

    /** Nothing to do: the same half is already parked, or the record already exists. */
    public record Duplicate(String why) implements Result {}

    static final int MAX_ATTEMPTS = 5;

    private final CorrelationStore store;
    private final EventParser parser;
    private final Clock clock;
    private final Duration interimTtl;
    private final Expiries expiries;

    /** Told each time a half finds an interim row past its TTL. */
    @FunctionalInterface
    public interface Expiries {
        /**
         * @param lateSeconds how long after the row's TTL {@code event} arrived
         * @param outcome     {@code completed} (the record was written from the expired row), {@code duplicate} (it
         *                    already existed) or {@code reparked} (the row held this same half, now parked again)
         */
        void expired(ChatEvent event, long lateSeconds, String outcome);
    }

    public Correlator(CorrelationStore store, EventParser parser, Clock clock, Duration interimTtl) {
        this(store, parser, clock, interimTtl, (event, late, outcome) -> {});
    }

    public Correlator(CorrelationStore store, EventParser parser, Clock clock, Duration interimTtl, Expiries expiries) {
        this.store = store;
        this.parser = parser;
        this.clock = clock;
        this.interimTtl = interimTtl;
        this.expiries = expiries;
    }

    /** Both halves arrived in one batch: one conditional write, no parked row. */
    public Result acceptPair(ChatEvent query, ChatEvent response) {
        AnalyticsRecord record = AnalyticsRecord.of(query, response);
        return store.putRecord(record) ? new Completed(record) : new Duplicate("record already exists");
    }

    /**
     * One half without its partner in the batch. A query is normally the first half, so it tries the conditional
     * park straight away; a response is normally the second, so it reads the parked query first. Either order stays
     * correct: a blocked park returns the row that blocked it, and that row decides what follows.
     *
     * <p>A row past its TTL is still used (DynamoDB deletes expired items lazily): a half replayed from the DLQ
     * after its partner's TTL completes the record with it, and is counted as {@link Expiries#expired late}. No
     * write ever replaces a row that holds the other half; only a row whose own half expired (or an empty row) is
     * re-parked, conditionally on being unchanged since read.
     */
    public Result accept(ChatEvent event) {
        return accept(event, expiries);
    }

    /** {@link #accept(ChatEvent)}, telling {@code expiries} (e.g. one per invocation, with its log) of late halves. */
    public Result accept(ChatEvent event, Expiries expiries) {
        String id = event.requestId();
        long now = clock.instant().getEpochSecond();
        long ttl = clock.instant().plus(interimTtl).getEpochSecond();
        Interim row = null;
        boolean known = false; // whether row reflects the table (read, or returned by a blocked park)
        if (event.type() == EventType.RESPONSE) {
            row = store.findInterim(id);
            known = true;
        }
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (!known) {
                CorrelationStore.ParkResult parked = store.park(event, ttl);
                if (parked.parked()) {
                    return new Parked(event.type());
                }
                row = parked.current();
                known = true;
            }
            if (row == null) {
                known = false; // nothing is parked (any more): park
                continue;
            }
            String otherJson = row.json(event.type().other());
            String ownJson = row.json(event.type());
            if (otherJson != null) {
                ChatEvent other = reparse(otherJson, event.type().other()).withTraceId(row.traceId());
                AnalyticsRecord record = event.type() == EventType.QUERY
                        ? AnalyticsRecord.of(event, other)
                        : AnalyticsRecord.of(other, event);
                boolean written = store.putRecord(record);
                store.deleteInterim(id); // after a lost race too: a stray parked half next to a finished record
                Result result = written ? new Completed(record) : new Duplicate("record already exists");
                if (row.expired(now)) {
                    expiries.expired(event, now - row.ttl(), written ? "completed" : "duplicate");
                }
                return result;
            }
            if (ownJson != null && !row.expired(now)) {
                return new Duplicate(event.type().wire() + " already parked");
            }
            // Our own half past its TTL (a redelivery after it), or an empty row: park again, keeping the first
            // copy, unless the row changed since (then read it again).
            boolean keepFirst = ownJson != null;
            if (store.repark(
                    id,
                    event.type(),
                    keepFirst ? ownJson : event.json(),
                    keepFirst && row.traceId() != null ? row.traceId() : event.traceId(),
                    row,
                    ttl)) {
                if (row.expired(now)) {
                    expiries.expired(event, now - row.ttl(), "reparked");
                }
                return new Parked(event.type());
            }
            known = false;
        }
        throw new StoreException(
                "CorrelationConflict", "the interim row kept changing under " + MAX_ATTEMPTS + " attempts", null);
    }

    private ChatEvent reparse(String json, EventType expected) {
        EventParser.Parsed parsed = parser.parse(json);
        if (parsed instanceof EventParser.Valid v && v.event().type() == expected) {
            return v.event();
        }
        throw new StoreException("CorruptInterimRow", "the parked " + expected.wire() + " half no longer parses", null);
    }
}
