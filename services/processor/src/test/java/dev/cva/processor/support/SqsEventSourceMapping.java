package dev.cva.processor.support;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cva.processor.support.SqsEvents.Msg;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What Lambda's SQS event source mapping does, against a real queue: receive up to 10, invoke the handler with an
 * SQS event, delete what succeeded, and leave reported failures to become visible again (and reach the DLQ).
 */
public final class SqsEventSourceMapping {
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private long invocations;
    private long reportedFailures;

    public SqsEventSourceMapping(SqsClient sqs, String queueUrl, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.handler = handler;
        this.queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** One receive + invoke + delete; returns how many messages were received. */
    public int pollOnce(int waitSeconds) {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        List<Msg> batch = messages.stream().map(m -> {
            Map<String, String> attrs = new HashMap<>();
            m.attributes().forEach((k, v) -> attrs.put(k.toString(), v));
            return new Msg(m.messageId(), m.receiptHandle(), m.body(), attrs);
        }).toList();
        SQSBatchResponse response = handler.handleRequest(SqsEvents.event(batch, queueArn), null);
        invocations++;
        Set<String> failed = new HashSet<>();
        response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
        reportedFailures += failed.size();
        List<DeleteMessageBatchRequestEntry> done = messages.stream().filter(m -> !failed.contains(m.messageId()))
                .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId().replaceAll("[^A-Za-z0-9_-]", "_"))
                        .receiptHandle(m.receiptHandle()).build())
                .toList();
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
        }
        return messages.size();
    }

    /** Polls until the queue holds nothing visible or in flight, or {@code timeoutMillis} passes. */
    public void drain(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (pollOnce(0) == 0) {
                Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
                if ("0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                        && "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))) {
                    return;
                }
                sleep(100);
            }
        }
        throw new AssertionError("queue not drained within " + timeoutMillis + " ms");
    }

    public long invocations() {
        return invocations;
    }

    public long reportedFailures() {
        return reportedFailures;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
