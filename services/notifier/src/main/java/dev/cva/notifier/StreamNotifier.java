package dev.cva.notifier;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.contracts.Contract;
import dev.cva.contracts.ContractValidator;
import dev.cva.contracts.Violation;
import dev.cva.contracts.logging.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Turns each INSERT of the analytics table's stream into a webhook; MODIFY and REMOVE are ignored. A record whose
 * webhook cannot be delivered goes to the dead-letter queue, so it never blocks the stream. Only when even the
 * dead-letter queue fails (or time runs out) does a record stay unacknowledged, and the stream retries from it.
 */
public final class StreamNotifier {
    public static final String EVENT_TYPE = "analytics_record_created";

    /** What the batch left unacknowledged: the stream's sequence number to retry from, or {@code null}. */
    public record Outcome(String retryFromSequenceNumber, int delivered, int deadLettered, int ignored) {}

    private final WebhookClient webhooks;
    private final DeadLetters deadLetters;
    private final ContractValidator validator;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final JsonLog log;
    private final Duration worstCaseDelivery;
    private final Executor executor;
    private final int parallelism;

    /** Sends one record at a time. */
    public StreamNotifier(WebhookClient webhooks, DeadLetters deadLetters, ContractValidator validator, ObjectMapper mapper,
            Clock clock, JsonLog log, Duration worstCaseDelivery) {
        this(webhooks, deadLetters, validator, mapper, clock, log, worstCaseDelivery, Runnable::run, 1);
    }

    /** Sends up to {@code parallelism} records at a time on {@code executor}. */
    public StreamNotifier(WebhookClient webhooks, DeadLetters deadLetters, ContractValidator validator, ObjectMapper mapper,
            Clock clock, JsonLog log, Duration worstCaseDelivery, Executor executor, int parallelism) {
        this.executor = executor;
        this.parallelism = parallelism;
        this.webhooks = webhooks;
        this.deadLetters = deadLetters;
        this.validator = validator;
        this.mapper = mapper;
        this.clock = clock;
        this.log = log;
        this.worstCaseDelivery = worstCaseDelivery;
    }

    /** What became of one record. */
    private enum Fate { DELIVERED, DEAD_LETTERED, IGNORED, DLQ_FAILED, NOT_ATTEMPTED }

    /**
     * Sends the batch's records concurrently, at most {@code parallelism} at a time, each with its own retries and
     * dead letter. The stream retries from the first record (in stream order) that is left unacknowledged: one whose
     * dead letter could not be written, or one not attempted because the invocation's time ran out. Records after
     * it that were already sent are sent again then; the receiver's idempotency makes that harmless.
     *
     * @param remainingMillis time left in this invocation; {@code Long.MAX_VALUE} when unknown
     */
    public Outcome process(List<DynamodbStreamRecord> records, LongSupplier remainingMillis) {
        if (records == null) {
            return new Outcome(null, 0, 0, 0);
        }
        List<CompletableFuture<Fate>> fates = new ArrayList<>();
        Semaphore slots = new Semaphore(parallelism);
        int attempted = 0;
        for (DynamodbStreamRecord record : records) {
            String seq = sequence(record);
            if (!"INSERT".equals(record.getEventName())) {
                fates.add(CompletableFuture.completedFuture(Fate.IGNORED)); // MODIFY and REMOVE do not create records
                continue;
            }
            if (record.getDynamodb() == null || record.getDynamodb().getNewImage() == null) {
                log.error("INSERT without a NEW_IMAGE: the stream must use StreamViewType NEW_IMAGE", "sequenceNumber", seq,
                        "eventID", record.getEventID());
                fates.add(CompletableFuture.completedFuture(Fate.IGNORED));
                continue;
            }
            // always attempt at least one record per invocation, so a short Lambda timeout still makes progress
            if (attempted > 0 && remainingMillis.getAsLong() < worstCaseDelivery.toMillis()) {
                log.warn("invocation time running out; the stream will retry from here", "sequenceNumber", seq);
                fates.add(CompletableFuture.completedFuture(Fate.NOT_ATTEMPTED));
                break;
            }
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fates.add(CompletableFuture.completedFuture(Fate.NOT_ATTEMPTED));
                break;
            }
            attempted++;
            fates.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return notify(record) ? Fate.DELIVERED : Fate.DEAD_LETTERED;
                } catch (DeadLetters.DeadLetterException e) {
                    log.error("dead-letter queue unavailable; the stream will retry from this record",
                            "sequenceNumber", seq, "reason", e.getMessage());
                    return Fate.DLQ_FAILED;
                } finally {
                    slots.release();
                }
            }, executor));
        }
        int delivered = 0;
        int deadLettered = 0;
        int ignored = 0;
        String retryFrom = null;
        for (int i = 0; i < fates.size(); i++) {
            Fate fate = fates.get(i).join();
            switch (fate) {
                case DELIVERED -> delivered++;
                case DEAD_LETTERED -> deadLettered++;
                case IGNORED -> ignored++;
                case DLQ_FAILED, NOT_ATTEMPTED -> {
                    if (retryFrom == null) {
                        retryFrom = sequence(records.get(i));
                    }
                }
            }
        }
        return new Outcome(retryFrom, delivered, deadLettered, ignored);
    }

    private static String sequence(DynamodbStreamRecord record) {
        return record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
    }

    /** @return true when delivered, false when dead-lettered */
    private boolean notify(DynamodbStreamRecord record) {
        ObjectNode data = RecordImage.toJson(record.getDynamodb().getNewImage());
        String requestId = data.path("requestId").asText("");
        String webhookId = "msg_" + requestId;
        ObjectNode envelope = mapper.createObjectNode();
        envelope.put("eventType", EVENT_TYPE);
        envelope.put("timestamp", clock.millis());
        envelope.set("data", data);
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // Writers are strict: we send the full record (webhook-body-writer), though receivers accept less.
        List<Violation> violations = validator.validate(Contract.WEBHOOK_BODY_WRITER, envelope);
        if (!violations.isEmpty()) {
            String reason = "invalid record: " + violations.stream().map(Violation::path).distinct().toList();
            deadLetters.put(new DeadLetters.DeadLetter(body, requestId, webhookId, reason, 0, null));
            log.error("record breaks the webhook-body contract; dead-lettered without sending", "requestId", requestId,
                    "paths", violations.stream().map(Violation::path).distinct().toList());
            return false;
        }
        Delivery d = webhooks.deliver(webhookId, body);
        if (d instanceof Delivery.Delivered ok) {
            log.info("webhook delivered", "requestId", requestId, "webhookId", webhookId, "attempts", ok.attempts(),
                    "status", ok.status());
            return true;
        }
        Delivery.Failed failed = (Delivery.Failed) d;
        deadLetters.put(new DeadLetters.DeadLetter(body, requestId, webhookId, failed.reason(), failed.attempts(), failed.lastStatus()));
        if (HttpWebhookClient.CIRCUIT_OPEN.equals(failed.reason())) {
            log.info("circuit open; dead-lettered without waiting", "requestId", requestId, "webhookId", webhookId,
                    "attempts", failed.attempts(), "reason", failed.reason());
            return false;
        }
        log.warn("webhook failed; dead-lettered", "requestId", requestId, "webhookId", webhookId,
                "attempts", failed.attempts(), "lastStatus", failed.lastStatus(), "reason", failed.reason());
        return false;
    }
}
