package dev.cva.notifier.aws;

import dev.cva.contracts.tracing.TraceIds;
import dev.cva.notifier.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Dead letters on an SQS standard queue: the exact body, the failure as message attributes. */
public final class SqsDeadLetters implements DeadLetters {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsDeadLetters(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void put(DeadLetter letter) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put("reason", string(letter.reason()));
        attributes.put("attempts", number(letter.attempts()));
        attributes.put("requestId", string(letter.requestId()));
        attributes.put("webhookId", string(letter.webhookId()));
        if (letter.traceId() != null) {
            attributes.put(TraceIds.TRACE_ID, string(letter.traceId()));
        }
        if (letter.lastStatus() != null) {
            attributes.put("lastStatus", number(letter.lastStatus()));
        }
        try {
            sqs.sendMessage(b -> b.queueUrl(queueUrl)
                    .messageBody(new String(letter.body(), StandardCharsets.UTF_8))
                    .messageAttributes(attributes));
        } catch (SdkException e) {
            throw new DeadLetterException(
                    "SQS SendMessage to the webhook DLQ failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value == null || value.isEmpty() ? "-" : value)
                .build();
    }

    private static MessageAttributeValue number(int value) {
        return MessageAttributeValue.builder()
                .dataType("Number")
                .stringValue(Integer.toString(value))
                .build();
    }
}
