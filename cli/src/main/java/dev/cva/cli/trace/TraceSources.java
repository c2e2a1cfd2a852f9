package dev.cva.cli.trace;

import dev.cva.cli.logs.LogLine;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The narrow views of the stores and logs {@link TraceService} reads, in plain Java types: each implementation
 * translates its SDK's exceptions into {@code CvaException}s, so nothing above these interfaces sees an SDK.
 */
public final class TraceSources {
    private TraceSources() {}

    /** The processor's two DynamoDB tables. */
    public interface Records {
        /** The analytics item of {@code requestId}, if the processor completed it. */
        Optional<StoredRecord> record(String requestId);

        /** The interim row holding a parked half, if one is waiting for its partner. */
        Optional<Interim> interim(String requestId);
    }

    /** The dead-letter queues, read without taking a message out of them. */
    public interface Queues {
        /** The halves of {@code requestId} in the processor's (event) DLQ. */
        List<EventLetter> eventDlq(String requestId);

        /** The webhook of {@code requestId} in the notifier's webhook DLQ, if it is there. */
        Optional<WebhookLetter> webhookDlq(String requestId);
    }

    /** The receiver's Firestore collection. */
    public interface Documents {
        Optional<Document> analytics(String requestId);
    }

    /** The services' log lines (they expire: every hop that matters also comes from a store). */
    public interface Logs {
        /**
         * @param requestId only this request's lines, or null for all of the service's
         * @param since     the earliest line wanted, or null for all kept
         */
        List<LogLine> read(String service, String requestId, Instant since);
    }

    /**
     * The analytics item: the halves' own timestamps and what the processor derived.
     *
     * @param traceId null until the services write one
     */
    public record StoredRecord(
            String table, long timestamp, long responseTimestamp, Long latencyMs, String week, String traceId) {}

    /** A parked row: which halves it holds (their own timestamps, null when absent) and its TTL (epoch seconds). */
    public record Interim(String table, Long queryTimestamp, Long responseTimestamp, Long ttl) {}

    /**
     * A half in the event DLQ.
     *
     * @param eventType      query or response
     * @param sentAt         when it was first sent to the event queue (SQS keeps SentTimestamp across the redrive)
     * @param receiveCount   SQS's ApproximateReceiveCount, this look included
     * @param eventTimestamp the event's own timestamp, or null
     */
    public record EventLetter(String queue, String eventType, Instant sentAt, int receiveCount, Long eventTimestamp) {}

    /**
     * A webhook in the webhook DLQ, with the attributes the notifier set on it.
     *
     * @param sentAt when it was dead-lettered
     */
    public record WebhookLetter(
            String queue, Instant sentAt, String reason, Integer attempts, Integer lastStatus, int receiveCount) {}

    /** The Firestore document: its name and create time, and the receiver's {@code receivedAt} (epoch ms) if set. */
    public record Document(String name, Instant createTime, Long receivedAt) {}
}
