package dev.cva.cli.trace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.replay.SqsFailure;
import dev.cva.replay.SqsPort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds one request's messages in the two dead-letter queues without taking them out. SQS has no read that leaves a
 * message untouched, so each look is a ReceiveMessage that hides the messages seen while the scan goes on (so none is
 * seen twice) and then makes them all visible again at once (ChangeMessageVisibility to 0). Each look adds one to
 * every seen message's ApproximateReceiveCount: harmless here, as neither DLQ has a redrive policy of its own (nothing
 * moves a message on its count) and the webhook DLQ's redrive does not read it; while hidden (at most
 * {@link #HIDE_SECONDS} s, normally milliseconds) the scheduled redrive does not see them.
 */
final class SqsQueues implements TraceSources.Queues {
    /** How long a scan may hide the messages it saw if it dies before releasing them. */
    static final int HIDE_SECONDS = 30;
    /** A bound on one scan: a DLQ this full is read in part (its first messages). */
    static final int MAX_SCANNED = 5_000;

    private final java.util.function.Supplier<SqsPort> port;
    private SqsPort sqs;
    private final String eventDlq;
    private final String webhookDlq;

    /**
     * @param port     the SQS client, made on first use (a complete trace reads no queue)
     * @param eventDlq the processor's DLQ and {@code webhookDlq} the notifier's, each by URL or name
     */
    SqsQueues(java.util.function.Supplier<SqsPort> port, String eventDlq, String webhookDlq) {
        this.port = port;
        this.eventDlq = eventDlq;
        this.webhookDlq = webhookDlq;
    }

    @Override
    public List<TraceSources.EventLetter> eventDlq(String requestId) {
        if (eventDlq == null) {
            return List.of();
        }
        List<TraceSources.EventLetter> out = new ArrayList<>();
        // a FIFO queue hands out a group's later messages only after its first: one scan finds the first half of a
        // group
        for (SqsPort.Message m : scan(
                eventDlq,
                m -> requestId.equalsIgnoreCase(json(m.body()).path("requestId").asText()),
                false)) {
            JsonNode body = json(m.body());
            out.add(new TraceSources.EventLetter(
                    name(eventDlq),
                    body.path("eventType").asText("?"),
                    sent(m),
                    m.receiveCount(),
                    body.path("timestamp").isNumber() ? body.path("timestamp").asLong() : null));
        }
        return out;
    }

    @Override
    public Optional<TraceSources.WebhookLetter> webhookDlq(String requestId) {
        if (webhookDlq == null) {
            return Optional.empty();
        }
        List<SqsPort.Message> found =
                scan(webhookDlq, m -> requestId.equalsIgnoreCase(attribute(m, "requestId")), true);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        SqsPort.Message m = found.get(0);
        return Optional.of(new TraceSources.WebhookLetter(
                name(webhookDlq),
                sent(m),
                attribute(m, "reason"),
                integer(attribute(m, "attempts")),
                integer(attribute(m, "lastStatus")),
                m.receiveCount()));
    }

    /** The messages matching {@code wanted}; stops at the first when {@code first}. Every message seen is released. */
    private synchronized List<SqsPort.Message> scan(String queue, Predicate<SqsPort.Message> wanted, boolean first) {
        if (sqs == null) {
            sqs = port.get();
        }
        String url = url(queue);
        List<SqsPort.Message> seen = new ArrayList<>();
        List<SqsPort.Message> matched = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try {
            String visible = sqs.attributes(url).getOrDefault("ApproximateNumberOfMessages", "0");
            if ("0".equals(visible)) {
                return matched;
            }
            int empty = 0;
            // short polling samples part of SQS's servers: an empty answer is asked again once, with a 1 s wait
            while (seen.size() < MAX_SCANNED && empty < 2 && !(first && !matched.isEmpty())) {
                List<SqsPort.Message> batch = sqs.receive(url, 10, HIDE_SECONDS, empty == 0 ? 0 : 1);
                if (batch.isEmpty()) {
                    empty++;
                    continue;
                }
                empty = 0;
                for (SqsPort.Message m : batch) {
                    if (ids.add(m.messageId())) {
                        seen.add(m);
                        if (wanted.test(m)) {
                            matched.add(m);
                        }
                    }
                }
            }
            return matched;
        } catch (SqsFailure e) {
            throw new CvaException(
                    ExitCode.FAILURE, "cannot read queue " + name(queue) + ": " + e.getMessage(), null, e);
        } finally {
            release(url, seen);
        }
    }

    private void release(String url, List<SqsPort.Message> seen) {
        if (seen.isEmpty()) {
            return;
        }
        try {
            sqs.release(url, seen.stream().map(SqsPort.Message::receiptHandle).toList());
        } catch (SqsFailure ignored) {
            // they become visible by themselves after HIDE_SECONDS
        }
    }

    private String url(String queue) {
        if (queue.startsWith("http://") || queue.startsWith("https://")) {
            return queue;
        }
        try {
            return sqs.queueUrl(queue);
        } catch (SqsFailure e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    e.notFound()
                            ? "queue " + queue + " does not exist"
                            : "cannot find queue " + queue + ": " + e.getMessage(),
                    e.notFound() ? "check aws.dlq and aws.webhookDlq in cva.yaml" : null,
                    e);
        }
    }

    private static String name(String queue) {
        return queue.substring(queue.lastIndexOf('/') + 1);
    }

    private static Instant sent(SqsPort.Message m) {
        return m.sentTimestamp() > 0 ? Instant.ofEpochMilli(m.sentTimestamp()) : null;
    }

    private static String attribute(SqsPort.Message m, String name) {
        SqsPort.Attr a = m.attributes().get(name);
        return a == null ? null : a.stringValue();
    }

    private static Integer integer(String v) {
        try {
            return v == null ? null : Integer.valueOf(v.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static JsonNode json(String body) {
        try {
            return CvaContext.json().readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            return CvaContext.json().createObjectNode();
        }
    }
}
