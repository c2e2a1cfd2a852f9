package dev.cva.processor;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.cva.contracts.logging.JsonLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Processes one SQS batch message by message and returns the ids that failed, so the queue redelivers only those
 * (and moves them to the DLQ after its maxReceiveCount). Nothing here throws for the whole batch.
 *
 * <p>Messages are correlated per requestId, not in queue order: correlation does not depend on order, so a failed
 * request does not hold back the other requests of the batch. The two halves of one request found in the same
 * batch become the record with a single write.
 */
public final class BatchProcessor {
    private final EventParser parser;
    private final Correlator correlator;
    private final JsonLog log;
    private final Executor executor;

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
        this.parser = parser;
        this.correlator = correlator;
        this.log = log;
        this.executor = executor;
    }

    /** @return the messageIds to report as batch item failures, in batch order */
    public List<String> process(List<SQSMessage> messages) {
        List<String> failures = new ArrayList<>();
        if (messages == null) {
            return failures;
        }
        // Parse everything first, then correlate per requestId: both halves in one batch need no parked row.
        Map<String, List<Parsed>> byRequest = new LinkedHashMap<>();
        Set<String> failed = new HashSet<>();
        for (SQSMessage m : messages) {
            ChatEvent event = parse(m);
            if (event == null) {
                failed.add(m.getMessageId());
            } else {
                byRequest.computeIfAbsent(event.requestId(), k -> new ArrayList<>()).add(new Parsed(m, event));
            }
        }
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        for (List<Parsed> group : byRequest.values()) {
            tasks.add(CompletableFuture.runAsync(() -> {
                if (!correlate(group)) {
                    synchronized (failed) {
                        group.forEach(p -> failed.add(p.message().getMessageId()));
                    }
                }
            }, executor));
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

    /** The event of a valid message, or null (logged) when it must fail. */
    private ChatEvent parse(SQSMessage m) {
        String messageId = m.getMessageId();
        String receiveCount = attribute(m.getAttributes(), "ApproximateReceiveCount");
        EventParser.Parsed parsed;
        try {
            parsed = parser.parse(m.getBody());
        } catch (RuntimeException e) {
            log.error("event rejected", "messageId", messageId, "reason", "unparseable: " + e.getClass().getSimpleName(),
                    "receiveCount", receiveCount);
            return null;
        }
        if (parsed instanceof EventParser.Invalid invalid) {
            log.warn("event rejected", "messageId", messageId, "reason", invalid.reason(),
                    "paths", invalid.paths(),
                    "violations", invalid.violations().stream().map(v -> v.path() + ": " + truncate(v.message())).toList(),
                    "receiveCount", receiveCount);
            return null;
        }
        return ((EventParser.Valid) parsed).event();
    }

    /**
     * Correlates the valid events of one requestId in this batch: the first query with the first response in one
     * write when both are here, else each on its own; later copies of a half are duplicates. False when a store
     * call failed, so every message of the request is retried.
     */
    private boolean correlate(List<Parsed> group) {
        Parsed query = first(group, EventType.QUERY);
        Parsed response = first(group, EventType.RESPONSE);
        String requestId = group.get(0).event().requestId();
        try {
            if (query != null && response != null) {
                report(query, correlator.acceptPair(query.event(), response.event()));
                report(response, new Correlator.Completed(null));
            } else {
                Parsed only = query != null ? query : response;
                report(only, correlator.accept(only.event()));
            }
            for (Parsed p : group) {
                if (p != query && p != response) {
                    report(p, new Correlator.Duplicate("same " + p.event().type().wire() + " twice in one batch"));
                }
            }
            return true;
        } catch (StoreException e) {
            log.error("store failed; messages will be retried", "requestId", requestId,
                    "messageIds", group.stream().map(p -> p.message().getMessageId()).toList(),
                    "reason", e.getMessage(), "code", e.code());
            return false;
        } catch (RuntimeException e) {
            log.error("processing failed; messages will be retried", "requestId", requestId,
                    "messageIds", group.stream().map(p -> p.message().getMessageId()).toList(),
                    "reason", e.getClass().getSimpleName() + ": " + truncate(String.valueOf(e.getMessage())));
            return false;
        }
    }

    private static Parsed first(List<Parsed> group, EventType type) {
        return group.stream().filter(p -> p.event().type() == type).findFirst().orElse(null);
    }

    private void report(Parsed p, Correlator.Result result) {
        String messageId = p.message().getMessageId();
        ChatEvent event = p.event();
        if (result instanceof Correlator.Parked parked) {
            log.info("event parked", "messageId", messageId, "requestId", event.requestId(),
                    "eventType", parked.type().wire());
        } else if (result instanceof Correlator.Completed c && c.record() != null) {
            log.info("record completed", "messageId", messageId, "requestId", event.requestId(),
                    "eventType", event.type().wire(), "week", c.record().week(), "latencyMs", c.record().latencyMs());
        } else if (result instanceof Correlator.Duplicate d) {
            log.info("event duplicate", "messageId", messageId, "requestId", event.requestId(),
                    "eventType", event.type().wire(), "reason", d.why());
        }
    }

    private static String attribute(Map<String, String> attributes, String name) {
        return attributes == null ? null : attributes.get(name);
    }

    private static String truncate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
