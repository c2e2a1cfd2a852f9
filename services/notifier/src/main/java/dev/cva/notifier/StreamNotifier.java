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
 * webhook cannot be delivered goes to the dead-letter queue, so it never blocks the stream; so does a record whose
 * handling throws anything short of a {@link VirtualMachineError} (an unreadable image, a bug), on its own, while the
 * rest of the batch goes on. Only when even the dead-letter queue fails (or time runs out) does a record stay
 * unacknowledged, and the stream retries from it.
 */
public final class StreamNotifier {
    public static final String EVENT_TYPE = "analytics_record_created";
    private static final java.util.regex.Pattern UUID_SHAPE = java.util.regex.Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

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
    public StreamNotifier(
            WebhookClient webhooks,
            DeadLetters deadLetters,
            ContractValidator validator,
            ObjectMapper mapper,
            Clock clock,
            JsonLog log,
            Duration worstCaseDelivery) {
        this(webhooks, deadLetters, validator, mapper, clock, log, worstCaseDelivery, Runnable::run, 1);
    }

    /** Sends up to {@code parallelism} records at a time on {@code executor}. */
    public StreamNotifier(
            WebhookClient webhooks,
            DeadLetters deadLetters,
            ContractValidator validator,
            ObjectMapper mapper,
            Clock clock,
            JsonLog log,
            Duration worstCaseDelivery,
            Executor executor,
            int parallelism) {
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
    private enum Fate {
        DELIVERED,
        DEAD_LETTERED,
        IGNORED,
        DLQ_FAILED,
        NOT_ATTEMPTED
    }

    /**
     * Sends the batch's records concurrently, at most {@code parallelism} at a time, each with its own retries and
     * dead letter. The stream retries from the first record (in stream order) that is left unacknowledged: one whose
     * dead letter could not be written, or one not attempted because the invocation's time ran out. Records after
     * it that were already sent are sent again then; the receiver's idempotency makes that harmless.
     *
     * @param remainingMillis time left in this invocation; {@code Long.MAX_VALUE} when unknown
     */
    public Outcome process(List<DynamodbStreamRecord> records, LongSupplier remainingMillis) {
        return process(records, remainingMillis, log);
    }

    /** {@link #process(List, LongSupplier)} logging to {@code log} (e.g. this invocation's, with its awsRequestId). */
    public Outcome process(List<DynamodbStreamRecord> records, LongSupplier remainingMillis, JsonLog log) {
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
                // a misconfigured stream (not NEW_IMAGE): kept in the DLQ rather than lost
                log.error(
                        "INSERT without a NEW_IMAGE: the stream must use StreamViewType NEW_IMAGE",
                        "sequenceNumber",
                        seq,
                        "eventID",
                        record.getEventID());
                fates.add(CompletableFuture.completedFuture(deadLetterUnread(
                        record, "invalid record: INSERT without a NEW_IMAGE (StreamViewType must be NEW_IMAGE)", log)));
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
            fates.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return notify(record, log);
                        } catch (DeadLetters.DeadLetterException e) {
                            log.error(
                                    "dead-letter queue unavailable; the stream will retry from this record",
                                    "sequenceNumber",
                                    seq,
                                    "reason",
                                    e.getMessage());
                            return Fate.DLQ_FAILED;
                        } finally {
                            slots.release();
                        }
                    },
                    executor));
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

    /**
     * Reads, checks and sends one record. Anything it throws short of a {@link VirtualMachineError} dead-letters that
     * record alone: before the webhook body exists, the stream record as read (reason {@code invalid record: ...}, so
     * the redrive leaves it for a person); after, the exact body (reason {@code notifier error: ...}, redriven as any
     * failed webhook). A JVM in trouble (out of memory, stack overflow) fails the invocation instead: the stream
     * retries the batch, and after its retries the mapping's on-failure destination keeps where it was.
     *
     * @throws DeadLetters.DeadLetterException when the record could not even be dead-lettered
     */
    private Fate notify(DynamodbStreamRecord record, JsonLog invocationLog) {
        byte[] body;
        ObjectNode envelope;
        String requestId;
        String traceId = RecordImage.traceId(record.getDynamodb().getNewImage());
        JsonLog log = invocationLog.with("traceId", traceId);
        try {
            ObjectNode data = RecordImage.toJson(record.getDynamodb().getNewImage());
            requestId = data.path("requestId").asText("");
            envelope = mapper.createObjectNode();
            envelope.put("eventType", EVENT_TYPE);
            envelope.put("timestamp", clock.millis());
            envelope.set("data", data);
            body = mapper.writeValueAsBytes(envelope);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (DeadLetters.DeadLetterException e) {
            throw e;
        } catch (RuntimeException | JsonProcessingException | Error e) {
            log.error(
                    "stream record unreadable; dead-lettered on its own",
                    "sequenceNumber",
                    sequence(record),
                    "eventID",
                    record.getEventID(),
                    "exception",
                    e.getClass().getName());
            return deadLetterUnread(
                    record,
                    "invalid record: unreadable NEW_IMAGE (" + e.getClass().getName() + ")",
                    log);
        }
        String webhookId = "msg_" + requestId;
        // every line about this record carries its ids; a requestId that breaks the contract (the record is then
        // dead-lettered) is named under another field, so the line keeps the log-line contract
        log = UUID_SHAPE.matcher(requestId).matches()
                ? log.with("requestId", requestId)
                : log.with("invalidRequestId", requestId.isEmpty() ? null : requestId);
        try {
            return send(requestId, webhookId, traceId, envelope, body, log);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (DeadLetters.DeadLetterException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // a bug or a broken dependency, for this record: park its exact body, go on with the others
            String reason = "notifier error: " + e.getClass().getName();
            deadLetters.put(new DeadLetters.DeadLetter(body, requestId, webhookId, reason, 0, null, traceId));
            log.error(
                    "handling the record threw; dead-lettered on its own",
                    "webhookId",
                    webhookId,
                    "exception",
                    e.getClass().getName());
            return Fate.DEAD_LETTERED;
        }
    }

    private Fate send(
            String requestId, String webhookId, String traceId, ObjectNode envelope, byte[] body, JsonLog log) {
        // Writers are strict: we send the full record (webhook-body-writer), though receivers accept less.
        List<Violation> violations = validator.validate(Contract.WEBHOOK_BODY_WRITER, envelope);
        if (!violations.isEmpty()) {
            String reason = "invalid record: "
                    + violations.stream().map(Violation::path).distinct().toList();
            deadLetters.put(new DeadLetters.DeadLetter(body, requestId, webhookId, reason, 0, null, traceId));
            log.error(
                    "record breaks the webhook-body contract; dead-lettered without sending",
                    "paths",
                    violations.stream().map(Violation::path).distinct().toList());
            return Fate.DEAD_LETTERED;
        }
        Delivery d = webhooks.deliver(webhookId, body, traceId);
        if (d instanceof Delivery.Delivered ok) {
            log.info("webhook delivered", "webhookId", webhookId, "attempts", ok.attempts(), "status", ok.status());
            return Fate.DELIVERED;
        }
        Delivery.Failed failed = (Delivery.Failed) d;
        deadLetters.put(new DeadLetters.DeadLetter(
                body, requestId, webhookId, failed.reason(), failed.attempts(), failed.lastStatus(), traceId));
        if (HttpWebhookClient.CIRCUIT_OPEN.equals(failed.reason())) {
            log.info(
                    "circuit open; dead-lettered without waiting",
                    "webhookId",
                    webhookId,
                    "attempts",
                    failed.attempts(),
                    "reason",
                    failed.reason());
            return Fate.DEAD_LETTERED;
        }
        log.warn(
                "webhook failed; dead-lettered",
                "webhookId",
                webhookId,
                "attempts",
                failed.attempts(),
                "lastStatus",
                failed.lastStatus(),
                "reason",
                failed.reason());
        return Fate.DEAD_LETTERED;
    }

    /**
     * Dead-letters a record no webhook body could be made of: its identity and its keys and image as DynamoDB JSON,
     * copied without interpretation (nothing here can fail on odd values). A failure to store it is a DLQ failure.
     */
    private Fate deadLetterUnread(DynamodbStreamRecord record, String reason, JsonLog log) {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("unreadableStreamRecord", true);
        doc.put("eventID", record.getEventID());
        doc.put("eventName", record.getEventName());
        doc.put("eventSourceARN", record.getEventSourceARN());
        var s = record.getDynamodb();
        String requestId = "";
        if (s != null) {
            doc.put("sequenceNumber", s.getSequenceNumber());
            if (s.getApproximateCreationDateTime() != null) {
                doc.put(
                        "approximateCreationDateTime",
                        s.getApproximateCreationDateTime().getTime() / 1000);
            }
            if (s.getKeys() != null) {
                doc.set("keys", RecordImage.raw(s.getKeys()));
                var key = s.getKeys().get("requestId");
                requestId = key == null || key.getS() == null ? "" : key.getS();
            }
            if (s.getNewImage() != null) {
                doc.set("newImage", RecordImage.raw(s.getNewImage()));
            }
        }
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new DeadLetters.DeadLetterException(
                    "cannot write the dead letter: " + e.getClass().getName(), e);
        }
        try {
            deadLetters.put(new DeadLetters.DeadLetter(
                    body,
                    requestId,
                    requestId.isEmpty() ? "" : "msg_" + requestId,
                    reason,
                    0,
                    null,
                    s == null ? null : RecordImage.traceId(s.getNewImage())));
        } catch (DeadLetters.DeadLetterException e) {
            log.error(
                    "dead-letter queue unavailable; the stream will retry from this record",
                    "sequenceNumber",
                    sequence(record),
                    "reason",
                    e.getMessage());
            return Fate.DLQ_FAILED;
        }
        return Fate.DEAD_LETTERED;
    }
}
