package dev.cva.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stackclient.LocalClients;
import dev.cva.contracts.Contract;
import dev.cva.contracts.ContractValidator;
import dev.cva.contracts.Violation;
import dev.cva.contracts.tracing.TraceIds;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Puts chatbot events on the FIFO queue as the chatbot does: validated against the contracts first,
 * {@code MessageGroupId = requestId}, {@code MessageDeduplicationId = requestId-eventType}, and a W3C
 * {@code traceparent} message attribute, so local traffic is traced from its first hop: the trace id is derived from
 * the requestId, so both halves of a request, sent apart, start the same trace (the processor keeps the query's).
 */
public final class EventSender {
    /** One sent message. */
    public record Sent(String requestId, String eventType, String messageId, long sentAt) {}

    private final SqsClient sqs;
    private final String queueUrl;
    private static final ContractValidator VALIDATOR = new ContractValidator();

    /** The trace id of a request's events: the first 16 bytes of SHA-256(requestId), as 32 lowercase hex digits. */
    public static String traceId(String requestId) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(requestId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String id = java.util.HexFormat.of().formatHex(digest, 0, 16);
            return TraceIds.isTraceId(id) ? id : TraceIds.newTraceId(); // all zeros: never in practice
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The {@code traceparent} message attribute of a request's event (a new span id per message). */
    static Map<String, MessageAttributeValue> traceAttributes(String requestId) {
        return Map.of(
                TraceIds.TRACEPARENT,
                MessageAttributeValue.builder()
                        .dataType("String")
                        .stringValue(TraceIds.traceparent(traceId(requestId)))
                        .build());
    }

    /** A sender to the event queue of the running stack {@code clients} reach. */
    public static EventSender of(LocalClients clients) {
        return new EventSender(clients.sqs(), clients.state().resource("queueUrl"));
    }

    public EventSender(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** Validates {@code event} against its contract; a violation is a {@link ExitCode#VERIFICATION_FAILED}. */
    public static void validate(JsonNode event) {
        String type = event.path("eventType").asText("");
        Contract contract = switch (type) {
            case "query" -> Contract.QUERY_EVENT;
            case "response" -> Contract.RESPONSE_EVENT;
            default ->
                throw new CvaException(
                        ExitCode.VERIFICATION_FAILED,
                        "eventType must be \"query\" or \"response\", not \"" + type + "\"",
                        null);
        };
        List<Violation> violations = VALIDATOR.validate(contract, event);
        if (!violations.isEmpty()) {
            throw new CvaException(
                    ExitCode.VERIFICATION_FAILED,
                    "the " + type + " event breaks its contract: "
                            + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")),
                    "see services/contracts/schemas/" + contract.schemaFile());
        }
    }

    public Sent send(JsonNode event) {
        validate(event);
        String requestId = event.path("requestId").asText();
        String type = event.path("eventType").asText();
        return sendRaw(event.toString(), requestId, requestId + "-" + type, requestId, type);
    }

    /** A message to send: its body, FIFO group and deduplication id, and what it is. */
    public record Outgoing(String body, String groupId, String dedupId, String requestId, String type) {
        public static Outgoing of(JsonNode event) {
            String requestId = event.path("requestId").asText();
            String type = event.path("eventType").asText();
            return new Outgoing(event.toString(), requestId, requestId + "-" + type, requestId, type);
        }
    }

    /** What one SendMessageBatch did: the messages SQS accepted, and those it refused with its reason. */
    public record BatchResult(List<Sent> sent, List<String> failed) {}

    /**
     * Sends up to 10 messages in one SendMessageBatch call (order within a message group is kept). Only what SQS
     * reports as successful counts as sent; a failed call fails every entry.
     */
    public BatchResult sendBatch(List<Outgoing> batch) {
        List<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry> entries =
                new java.util.ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Outgoing o = batch.get(i);
            entries.add(software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder()
                    .id("m" + i)
                    .messageBody(o.body())
                    .messageGroupId(o.groupId())
                    .messageDeduplicationId(o.dedupId())
                    .messageAttributes(traceAttributes(o.requestId()))
                    .build());
        }
        long now = System.currentTimeMillis();
        try {
            var r = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            List<Sent> sent = new java.util.ArrayList<>();
            r.successful().forEach(ok -> {
                Outgoing o = batch.get(Integer.parseInt(ok.id().substring(1)));
                sent.add(new Sent(o.requestId(), o.type(), ok.messageId(), now));
            });
            List<String> failed = r.failed().stream()
                    .map(f -> batch.get(Integer.parseInt(f.id().substring(1))).dedupId() + ": " + f.code() + " "
                            + f.message())
                    .toList();
            return new BatchResult(sent, failed);
        } catch (SdkException e) {
            return new BatchResult(
                    List.of(),
                    batch.stream().map(o -> o.dedupId() + ": " + e.getMessage()).toList());
        }
    }

    /** Sends without validation: for poison messages and redeliveries with their own deduplication id. */
    public Sent sendRaw(String body, String groupId, String dedupId, String requestId, String type) {
        try {
            long now = System.currentTimeMillis();
            String id = sqs.sendMessage(b -> b.queueUrl(queueUrl)
                            .messageBody(body)
                            .messageGroupId(groupId)
                            .messageDeduplicationId(dedupId)
                            .messageAttributes(traceAttributes(requestId)))
                    .messageId();
            return new Sent(requestId, type, id, now);
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot send to " + queueUrl + ": " + e.getMessage(),
                    "is the local stack running? see 'cva local status'",
                    e);
        }
    }
}
