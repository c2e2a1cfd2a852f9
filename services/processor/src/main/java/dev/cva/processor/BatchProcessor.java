package dev.cva.processor;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.contracts.tracing.TraceIds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Processes one SQS batch message by message and returns the ids that failed, so the queue redelivers only those
 * (and moves them to the DLQ after its maxReceiveCount). Nothing here throws for the whole batch.
 *
 * <p>Messages are correlated per requestId, not in queue order: correlation does not depend on order, so a failed
 * request does not hold back the other requests of the batch. The two halves of one request found in the same
 * batch become the record with a single write.
 *
 * <p>Each event gets its W3C trace id here (see {@link #traceId}); the record keeps it, since DynamoDB stream
 * records carry no trace context. Every line about a request carries its {@code requestId} and {@code traceId}.
 */
public final class BatchProcessor {
    private final EventParser parser;
    private final Correlator correlator;
    private final JsonLog log;
    private final Executor executor;
    private final Function<JsonLog, Correlator.Expiries> expiries;

    /** Correlates the requests of a batch one after another. */
    public BatchProcessor(EventParser parser, Correlator correlator, JsonLog log) {
        this(parser, correlator, log, Runnable::run);
    }

    /**
     * Correlates the requests of a batch concurrently on {@code executor}: they touch different items, and a batch's
     * DynamoDB calls then take about as long as one request's instead of the sum. The messages of one request stay
     * in one task, in batch order.
     */
    public BatchProcessor(EventParser parser, Correlator correlator, JsonLog log, Executor executor) {
        this(parser, correlator, log, executor, null);
    }

    /**
     * As above, telling {@code expiries(requestLog)} of late halves, so their lines carry the request's and the
     * invocation's ids; {@code null}: the correlator's own reporter.
     */
    public BatchProcessor(
            EventParser parser,
            Correlator correlator,
            JsonLog log,
            Executor executor,
            Function<JsonLog, Correlator.Expiries> expiries) {
        this.expiries = expiries;
        this.parser = parser;
        this.correlator = correlator;
        this.log = log;
        this.executor = executor;
    }

    /** @return the messageIds to report as batch item failures, in batch order */
    public List<String> process(List<SQSMessage> messages) {
        return process(messages, log);
    }

    /**
     * @param log this invocation's log (e.g. with its {@code awsRequestId}); the lines of each request add its
     *     {@code requestId} and {@code traceId}
     * @return the messageIds to report as batch item failures, in batch order
     */
    public List<String> process(List<SQSMessage> messages, JsonLog log) {
        List<String> failures = new ArrayList<>();
        if (messages == null) {
            return failures;
        }
        // Parse everything first, then correlate per requestId: both halves in one batch need no parked row.
        Map<String, List<Parsed>> byRequest = new LinkedHashMap<>();
        Set<String> failed = new HashSet<>();
        for (SQSMessage m : messages) {
            ChatEvent event = parse(m, log);
            if (event == null) {
                failed.add(m.getMessageId());
            } else {
                byRequest
                        .computeIfAbsent(event.requestId(), k -> new ArrayList<>())
                        .add(new Parsed(m, event));
            }
        }
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        for (List<Parsed> group : byRequest.values()) {
            tasks.add(CompletableFuture.runAsync(
                    () -> {
                        if (!correlate(group, log)) {
                            synchronized (failed) {
                                group.forEach(p -> failed.add(p.message().getMessageId()));
                            }
                        }
                    },
                    executor));
        }
        CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
        for (SQSMessage m : messages) {
            if (failed.contains(m.getMessageId())) {
                failures.add(m.getMessageId());
            }
        }
        return failures;
    }

    private record Parsed(SQSMessage message, ChatEvent event) {}

    /**
     * The trace id of a message: its {@code traceparent} message attribute (W3C; a malformed one is ignored, with a
     * line), else the trace of its {@code AWSTraceHeader} system attribute (X-Ray, set when the sender is traced),
     * else a new one: from here on the event has one, whatever sent it.
     */
    static String traceId(SQSMessage m, JsonLog log) {
        Map<String, MessageAttribute> attributes = m.getMessageAttributes();
        MessageAttribute traceparent = attributes == null ? null : attributes.get(TraceIds.TRACEPARENT);
        if (traceparent != null && traceparent.getStringValue() != null) {
            var id = TraceIds.fromTraceparent(traceparent.getStringValue());
            if (id.isPresent()) {
                return id.get();
            }
            log.warn("malformed traceparent attribute ignored", "messageId", m.getMessageId());
        }
        return TraceIds.fromXRay(attribute(m.getAttributes(), TraceIds.AWS_TRACE_HEADER))
                .orElseGet(TraceIds::newTraceId);
    }

    /** The event of a valid message, or null (logged) when it must fail. */
    private ChatEvent parse(SQSMessage m, JsonLog invocationLog) {
        String messageId = m.getMessageId();
        String traceId = traceId(m, invocationLog);
        JsonLog log = invocationLog.with("traceId", traceId);
        String receiveCount = attribute(m.getAttributes(), "ApproximateReceiveCount");
        EventParser.Parsed parsed;
        try {
            parsed = parser.parse(m.getBody());
        } catch (RuntimeException e) {
            log.error(
                    "event rejected",
                    "messageId",
                    messageId,
                    "reason",
                    "unparseable: " + e.getClass().getSimpleName(),
                    "receiveCount",
                    receiveCount);
            return null;
        }
        if (parsed instanceof EventParser.Invalid invalid) {
            log.warn(
                    "event rejected",
                    "messageId",
                    messageId,
                    "reason",
                    invalid.reason(),
                    "paths",
                    invalid.paths(),
                    "violations",
                    invalid.violations().stream()
                            .map(v -> v.path() + ": " + truncate(v.message()))
                            .toList(),
                    "receiveCount",
                    receiveCount);
            return null;
        }
        return ((EventParser.Valid) parsed).event().withTraceId(traceId);
    }

    /**
     * Correlates the valid events of one requestId in this batch: the first query with the first response in one
     * write when both are here, else each on its own; later copies of a half are duplicates. False when a store
     * call failed, so every message of the request is retried.
     */
    private boolean correlate(List<Parsed> group, JsonLog invocationLog) {
        Parsed query = first(group, EventType.QUERY);
        Parsed response = first(group, EventType.RESPONSE);
        String requestId = group.get(0).event().requestId();
        // the record's trace id when this batch writes it (the query's), else the event's own
        Parsed leading = query != null ? query : response != null ? response : group.get(0);
        JsonLog log = invocationLog.with(
                "requestId", requestId, "traceId", leading.event().traceId());
        try {
            if (query != null && response != null) {
                report(log, query, correlator.acceptPair(query.event(), response.event()));
                report(log, response, new Correlator.Completed(null));
            } else {
                Parsed only = query != null ? query : response;
                report(
                        log,
                        only,
                        expiries == null
                                ? correlator.accept(only.event())
                                : correlator.accept(only.event(), expiries.apply(log)));
            }
            for (Parsed p : group) {
                if (p != query && p != response) {
                    report(
                            log,
                            p,
                            new Correlator.Duplicate("same " + p.event().type().wire() + " twice in one batch"));
                }
            }
            return true;
        } catch (StoreException e) {
            log.error(
                    "store failed; messages will be retried",
                    "messageIds",
                    group.stream().map(p -> p.message().getMessageId()).toList(),
                    "reason",
                    e.getMessage(),
                    "code",
                    e.code());
            return false;
        } catch (RuntimeException e) {
            log.error(
                    "processing failed; messages will be retried",
                    "messageIds",
                    group.stream().map(p -> p.message().getMessageId()).toList(),
                    "reason",
                    e.getClass().getSimpleName() + ": " + truncate(String.valueOf(e.getMessage())));
            return false;
        }
    }

    private static Parsed first(List<Parsed> group, EventType type) {
        return group.stream().filter(p -> p.event().type() == type).findFirst().orElse(null);
    }

    private void report(JsonLog requestLog, Parsed p, Correlator.Result result) {
        String messageId = p.message().getMessageId();
        ChatEvent event = p.event();
        if (result instanceof Correlator.Parked parked) {
            requestLog
                    .with("traceId", event.traceId())
                    .info(
                            "event parked",
                            "messageId",
                            messageId,
                            "eventType",
                            parked.type().wire());
        } else if (result instanceof Correlator.Completed c && c.record() != null) {
            // the record's trace id (the query's, possibly a parked one): the id the later hops carry
            requestLog
                    .with("traceId", c.record().traceId())
                    .info(
                            "record completed",
                            "messageId",
                            messageId,
                            "eventType",
                            event.type().wire(),
                            "week",
                            c.record().week(),
                            "latencyMs",
                            c.record().latencyMs());
        } else if (result instanceof Correlator.Duplicate d) {
            requestLog
                    .with("traceId", event.traceId())
                    .info(
                            "event duplicate",
                            "messageId",
                            messageId,
                            "eventType",
                            event.type().wire(),
                            "reason",
                            d.why());
        }
    }

    private static String attribute(Map<String, String> attributes, String name) {
        return attributes == null ? null : attributes.get(name);
    }

    private static String truncate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
