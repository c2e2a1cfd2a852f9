package dev.cva.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.replay.SqsPort;

/**
 * One on-failure record of the notifier's stream mapping, as Lambda writes it for a DynamoDB stream batch it gave
 * up on ({@code requestContext}, {@code responseContext}, {@code DDBStreamBatchInfo}): which shard and sequence range
 * was skipped, why ({@code RetryAttemptsExhausted} or {@code RecordAgeExceeded}), and by which function. The records
 * themselves are not in it: they stay in the stream for its 24 h.
 */
public record StreamBatch(
        String messageId,
        String condition,
        String functionArn,
        int invokeCount,
        String functionError,
        String shardId,
        String startSequenceNumber,
        String endSequenceNumber,
        int batchSize,
        String streamArn,
        String firstArrival,
        String lastArrival,
        long ageSeconds) {

    /** The record in {@code m}, or null when its body is not an on-failure record of a DynamoDB stream batch. */
    static StreamBatch of(SqsPort.Message m, long ageSeconds) {
        JsonNode n;
        try {
            n = CvaContext.json().readTree(m.body());
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        JsonNode info = n.path("DDBStreamBatchInfo");
        if (!info.hasNonNull("shardId") || !info.hasNonNull("startSequenceNumber") || !info.hasNonNull("streamArn")) {
            return null;
        }
        JsonNode req = n.path("requestContext");
        return new StreamBatch(
                m.messageId(),
                req.path("condition").asText("(unknown)"),
                req.path("functionArn").asText(null),
                req.path("approximateInvokeCount").asInt(0),
                n.path("responseContext").path("functionError").asText(null),
                info.get("shardId").asText(),
                info.get("startSequenceNumber").asText(),
                info.path("endSequenceNumber")
                        .asText(info.get("startSequenceNumber").asText()),
                info.path("batchSize").asInt(0),
                info.get("streamArn").asText(),
                info.path("approximateArrivalOfFirstRecord").asText(null),
                info.path("approximateArrivalOfLastRecord").asText(null),
                ageSeconds);
    }
}
