package dev.cva.replay;

import java.util.List;

/** Where replayed messages go: an SQS queue, or the receiver over HTTP for the webhook DLQ. Thread-safe. */
public interface Target {
    /** What happened to one message. Only {@link Kind#DELIVERED} lets the replay delete it from the DLQ. */
    record Outcome(Kind kind, String detail) {
        public static final Outcome DELIVERED = new Outcome(Kind.DELIVERED, null);
    }

    enum Kind {
        DELIVERED,
        FAILED,
        PERMANENT
    }

    /** Delivers {@code batch} (at most 10, in order); one outcome per message, in the same order. */
    List<Outcome> deliver(List<SqsPort.Message> batch);

    /** For humans: "queue cv-analytics-queue.fifo", "receiver http://...". */
    String describe();
}
