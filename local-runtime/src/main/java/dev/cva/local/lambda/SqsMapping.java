package dev.cva.local.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
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
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What Lambda's SQS event source mapping does, with {@code ReportBatchItemFailures}: several pollers receive
 * batches (up to {@code batchSize}) and invoke the function concurrently, up to its maximum concurrency; only the
 * messages the function did not report in {@code batchItemFailures} are deleted. A function error, or a response
 * that is not a valid batch response (unreadable, or naming a message not in the batch), fails the whole batch, as
 * in Lambda. Failed messages become visible again after the visibility timeout; the queue's redrive policy moves
 * them to the DLQ. On a FIFO queue the queue itself keeps each message group in order: it hands out no message of
 * a group while an earlier one is in flight, so concurrency only ever spans different groups.
 */
public final class SqsMapping implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final Invoker function;
    private final EventSource settings;
    private final Consumer<String> log;
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final AtomicLong receiveCalls = new AtomicLong();
    private final AtomicLong emptyReceives = new AtomicLong();
    private final AtomicLong deleteCalls = new AtomicLong();
    private final AtomicLong reportedFailures = new AtomicLong();
    private final List<Thread> pollers = new ArrayList<>();
    private volatile boolean running = true;

    public SqsMapping(
            SqsClient sqs,
            String queueUrl,
            String region,
            Invoker function,
            EventSource settings,
            Consumer<String> log) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        this.region = region;
        this.function = function;
        this.settings = settings.or(EventSource.SQS_DEFAULTS);
        this.log = log;
    }

    /** Pollers that run until {@link #close}: as many as the mapping's and the function's concurrency allow. */
    public SqsMapping start() {
        int n = pollers();
        for (int i = 0; i < n; i++) {
            // virtual threads: each poller spends its life blocked in a long poll
            pollers.add(Thread.ofVirtual()
                    .name("sqs-mapping-" + function.name() + "-" + i)
                    .start(this::poll));
        }
        return this;
    }

    public int pollers() {
        return Math.max(1, Math.min(settings.maximumConcurrency(), function.concurrency()));
    }

    public long invocations() {
        return invocations.get();
    }

    public long received() {
        return received.get();
    }

    public long deleted() {
        return deleted.get();
    }

    public long failedBatches() {
        return failedBatches.get();
    }

    public long receiveCalls() {
        return receiveCalls.get();
    }
    /** ReceiveMessage calls that returned nothing (idle polls). */
    public long emptyReceives() {
        return emptyReceives.get();
    }
    /** DeleteMessageBatch calls. */
    public long deleteCalls() {
        return deleteCalls.get();
    }
    /** Messages the function named in {@code batchItemFailures}. */
    public long reportedFailures() {
        return reportedFailures.get();
    }

    /**
     * Polls on the calling thread until the queue holds nothing visible or in flight, or {@code timeoutMillis}
     * passes: a test's deterministic stand-in for {@link #start}.
     */
    public void drain(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (pollOnce(0) == 0) {
                var a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                                .attributeNames(
                                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                        .attributes();
                if ("0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                        && "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))) {
                    return;
                }
                sleep(100);
            }
        }
    }

    private void poll() {
        while (running && !Thread.currentThread().isInterrupted()) {
            pollOnce(1);
        }
    }

    /** One receive, invoke and delete; returns how many messages were received. */
    public int pollOnce(int waitSeconds) {
        try {
            receiveCalls.incrementAndGet();
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                            .maxNumberOfMessages(settings.batchSize())
                            .waitTimeSeconds(waitSeconds)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                            .messageAttributeNames("All"))
                    .messages();
            if (!batch.isEmpty()) {
                received.addAndGet(batch.size());
                deliver(batch);
            } else {
                emptyReceives.incrementAndGet();
            }
            return batch.size();
        } catch (SdkException e) {
            if (running) {
                log.accept("sqs mapping: " + e.getMessage());
                sleep(500);
            }
            return 0;
        }
    }

    private void deliver(List<Message> batch) {
        invocations.incrementAndGet();
        Invoker.Result r = function.invoke(event(batch));
        Set<String> failed = r.error() ? null : failures(r.body(), batch);
        if (failed == null) {
            failedBatches.incrementAndGet();
            log.accept(function.name() + (r.error() ? " failed" : " answered an invalid batch response for")
                    + " a batch of " + batch.size() + ": " + RuntimeApi.brief(r.body()));
            return; // nothing deleted: the whole batch becomes visible again
        }
        reportedFailures.addAndGet(failed.size());
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Message m = batch.get(i);
            if (!failed.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder()
                        .id("m" + i)
                        .receiptHandle(m.receiptHandle())
                        .build());
            }
        }
        if (!done.isEmpty()) {
            deleteCalls.incrementAndGet();
            var result = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
            deleted.addAndGet(result.successful().size());
        }
    }

    /**
     * The message ids reported as failed, or null when the response is not a valid batch response (Lambda then
     * treats the whole batch as failed).
     */
    static Set<String> failures(String body, List<Message> batch) {
        Set<String> ids = new HashSet<>();
        batch.forEach(m -> ids.add(m.messageId()));
        return BatchResponse.failedItems(body, ids);
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : pollers) {
            t.interrupt();
        }
        for (Thread t : pollers) {
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
