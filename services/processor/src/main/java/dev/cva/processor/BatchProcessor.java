package dev.cva.processor;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.cva.contracts.logging.JsonLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Processes one SQS batch message by message and returns the ids that failed, so the queue redelivers only those
 * (and moves them to the DLQ after its maxReceiveCount). Nothing here throws for the whole batch.
 *
 * <p>Messages are processed independently even on the FIFO queue: correlation does not depend on order, so a
 * failed message does not hold back the later messages of its group.
 */
public final class BatchProcessor {
    private final EventParser parser;
    private final Correlator correlator;
    private final JsonLog log;

    public BatchProcessor(EventParser parser, Correlator correlator, JsonLog log) {
        this.parser = parser;
        this.correlator = correlator;
        this.log = log;
    }

    /** @return the messageIds to report as batch item failures, in batch order */
    public List<String> process(List<SQSMessage> messages) {
        List<String> failures = new ArrayList<>();
        if (messages == null) {
            return failures;
        }
        for (SQSMessage m : messages) {
            if (!processOne(m)) {
                failures.add(m.getMessageId());
            }
        }
        return failures;
    }

    private boolean processOne(SQSMessage m) {
        String messageId = m.getMessageId();
        String receiveCount = attribute(m.getAttributes(), "ApproximateReceiveCount");
        EventParser.Parsed parsed;
        try {
            parsed = parser.parse(m.getBody());
        } catch (RuntimeException e) {
            log.error("event rejected", "messageId", messageId, "reason", "unparseable: " + e.getClass().getSimpleName(),
                    "receiveCount", receiveCount);
            return false;
        }
        if (parsed instanceof EventParser.Invalid invalid) {
            log.warn("event rejected", "messageId", messageId, "reason", invalid.reason(),
                    "paths", invalid.paths(),
                    "violations", invalid.violations().stream().map(v -> v.path() + ": " + truncate(v.message())).toList(),
                    "receiveCount", receiveCount);
            return false;
        }
        ChatEvent event = ((EventParser.Valid) parsed).event();
        try {
            Correlator.Result result = correlator.accept(event);
            if (result instanceof Correlator.Parked p) {
                log.info("event parked", "messageId", messageId, "requestId", event.requestId(),
                        "eventType", p.type().wire());
            } else if (result instanceof Correlator.Completed c) {
                log.info("record completed", "messageId", messageId, "requestId", event.requestId(),
                        "eventType", event.type().wire(), "week", c.record().week(), "latencyMs", c.record().latencyMs());
            } else if (result instanceof Correlator.Duplicate d) {
                log.info("event duplicate", "messageId", messageId, "requestId", event.requestId(),
                        "eventType", event.type().wire(), "reason", d.why());
            }
            return true;
        } catch (StoreException e) {
            log.error("store failed; message will be retried", "messageId", messageId, "requestId", event.requestId(),
                    "eventType", event.type().wire(), "reason", e.getMessage(), "code", e.code(),
                    "receiveCount", receiveCount);
            return false;
        } catch (RuntimeException e) {
            log.error("processing failed; message will be retried", "messageId", messageId,
                    "requestId", event.requestId(), "reason", e.getClass().getSimpleName() + ": " + truncate(String.valueOf(e.getMessage())),
                    "receiveCount", receiveCount);
            return false;
        }
    }

    private static String attribute(Map<String, String> attributes, String name) {
        return attributes == null ? null : attributes.get(name);
    }

    private static String truncate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
