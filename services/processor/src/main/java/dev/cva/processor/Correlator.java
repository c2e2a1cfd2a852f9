package dev.cva.processor;

import dev.cva.processor.CorrelationStore.Interim;
import java.time.Clock;
import java.time.Duration;

/**
 * Correlates the two halves of a request in any order. The first half to arrive is parked; the second writes the
 * record and removes the parked half in one transaction. Every write is conditional, so a duplicate, a
 * redelivery after completion, or two halves racing each other can never write a second record or drop a half:
 * a lost race comes back as {@link CorrelationStore.Outcome#CONFLICT} and is re-read and retried here.
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

    public Correlator(CorrelationStore store, EventParser parser, Clock clock, Duration interimTtl) {
        this.store = store;
        this.parser = parser;
        this.clock = clock;
        this.interimTtl = interimTtl;
    }

    /**
     * A query is normally the first half (the chatbot sends it first, in the same FIFO group), so it tries the
     * conditional park straight away; a response is normally the second, so it reads the parked query first. Either
     * order stays correct: a blocked park returns the row that blocked it, and that row decides what follows. An
     * in-order pair costs three DynamoDB requests (1.5 per event): park; read, complete.
     */
    public Result accept(ChatEvent event) {
        String id = event.requestId();
        long ttl = clock.instant().plus(interimTtl).getEpochSecond();
        Interim row = null;
        boolean known = false; // whether row reflects the table (read, or returned by a blocked write)
        if (event.type() == EventType.RESPONSE) {
            row = store.findInterim(id);
            known = true;
        }
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (!known) {
                CorrelationStore.ParkResult parked = store.park(event, ttl);
                switch (parked.outcome()) {
                    case DONE:
                        return new Parked(event.type());
                    case ALREADY_COMPLETED:
                        return new Duplicate("record already exists");
                    case CONFLICT:
                        row = parked.current() != null ? parked.current() : store.findInterim(id);
                        known = true;
                        break;
                }
            }
            String otherJson = row == null ? null : row.json(event.type().other());
            if (otherJson != null) {
                ChatEvent other = reparse(otherJson, event.type().other());
                AnalyticsRecord record = event.type() == EventType.QUERY
                        ? AnalyticsRecord.of(event, other)
                        : AnalyticsRecord.of(other, event);
                switch (store.complete(record, other.type())) {
                    case DONE:
                        return new Completed(record);
                    case ALREADY_COMPLETED:
                        store.deleteInterim(id); // a stray parked half next to a finished record: tidy it
                        return new Duplicate("record already exists");
                    case CONFLICT:
                        known = false; // the row changed again: start over
                        continue;
                }
            } else if (row != null && row.json(event.type()) != null) {
                return new Duplicate(event.type().wire() + " already parked");
            } else {
                known = false; // the row that blocked us is gone again: retry the park
            }
        }
        throw new StoreException("CorrelationConflict",
                "the interim row kept changing under " + MAX_ATTEMPTS + " attempts", null);
    }

    private ChatEvent reparse(String json, EventType expected) {
        EventParser.Parsed parsed = parser.parse(json);
        if (parsed instanceof EventParser.Valid v && v.event().type() == expected) {
            return v.event();
        }
        throw new StoreException("CorruptInterimRow", "the parked " + expected.wire() + " half no longer parses", null);
    }
}
