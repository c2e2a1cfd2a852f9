package dev.cva.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CvaContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What Lambda's SQS event source mapping does: receive batches of up to 10, invoke the function with the SQS event,
 * and delete only the messages it did not report in {@code batchItemFailures}. Failed messages become visible
 * again after the visibility timeout; the queue's redrive policy moves them to the DLQ after 3 receives.
 */
final class SqsMapping implements Runnable {
    private static final ObjectMapper JSON = CvaContext.json();

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final LambdaFunction function;
    private final Consumer<String> log;
    private final AtomicLong invocations = new AtomicLong();
    private volatile boolean running = true;

    SqsMapping(SqsClient sqs, String queueUrl, String queueName, String region, LambdaFunction function, Consumer<String> log) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = "arn:aws:sqs:" + region + ":" + LocalAws.ACCOUNT + ":" + queueName;
        this.region = region;
        this.function = function;
        this.log = log;
    }

    long invocations() { return invocations.get(); }

    void stop() { running = false; }

    @Override
    public void run() {
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                        .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All")).messages();
                if (!batch.isEmpty() && running) {
                    deliver(batch);
                }
            } catch (SdkException e) {
                if (running) {
                    log.accept("sqs mapping: " + e.getMessage());
                    sleep();
                }
            }
        }
    }

    private void deliver(List<Message> batch) {
        invocations.incrementAndGet();
        RuntimeApi.Result r = function.invoke(event(batch));
        if (r.error()) {
            log.accept(function.name() + " failed a batch of " + batch.size() + ": " + RuntimeApi.brief(r.body()));
            return;
        }
        Set<String> failed = new HashSet<>();
        try {
            JsonNode failures = JSON.readTree(r.body()).path("batchItemFailures");
            failures.forEach(f -> failed.add(f.path("itemIdentifier").asText()));
        } catch (Exception e) {
            log.accept(function.name() + " answered an unreadable batch response: " + RuntimeApi.brief(r.body()));
            return;
        }
        List<DeleteMessageBatchRequestEntry> done = batch.stream().filter(m -> !failed.contains(m.messageId()))
                .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                .toList();
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
        }
    }

    /** The SQS event exactly as Lambda sends it. */
    String event(List<Message> batch) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (Message m : batch) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            m.messageAttributes().forEach((k, v) -> {
                ObjectNode a = messageAttributes.putObject(k);
                a.put("stringValue", v.stringValue());
                a.putArray("stringListValues");
                a.putArray("binaryListValues");
                a.put("dataType", v.dataType());
            });
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", region);
        }
        return root.toString();
    }

    private void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
