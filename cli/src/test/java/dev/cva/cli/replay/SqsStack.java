package dev.cva.cli.replay;

import dev.cva.cli.CvaContext;
import dev.cva.cli.stackclient.LocalState;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ in this JVM with the local stack's three queues (FIFO queue with its FIFO DLQ after 3 receives, the
 * webhook DLQ) and a state file, as {@code cva local up} writes it, that points cva at it (or at a proxy in front).
 */
final class SqsStack implements AutoCloseable {
    static final String REGION = "eu-west-2";
    static final String QUEUE = "cv-analytics-queue.fifo";
    static final String DLQ = "cv-analytics-dlq.fifo";
    static final String WEBHOOK_DLQ = "cv-analytics-webhook-dlq";

    final SQSRestServer server;
    final URI endpoint;
    final SqsClient sqs;
    final String queueUrl;
    final String dlqUrl;
    final String webhookDlqUrl;

    private SqsStack(int visibilitySeconds) {
        server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion(REGION)
                .withAWSAccountId("000000000000")
                .start();
        endpoint = URI.create(
                "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort());
        sqs = client(endpoint);
        dlqUrl = sqs.createQueue(b -> b.queueName(DLQ).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
                .queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        queueUrl = sqs.createQueue(b -> b.queueName(QUEUE)
                        .attributes(Map.of(
                                QueueAttributeName.FIFO_QUEUE,
                                "true",
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                Integer.toString(visibilitySeconds),
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}")))
                .queueUrl();
        webhookDlqUrl = sqs.createQueue(b -> b.queueName(WEBHOOK_DLQ)).queueUrl();
    }

    static SqsStack start() {
        return start(30);
    }

    static SqsStack start(int visibilitySeconds) {
        return new SqsStack(visibilitySeconds);
    }

    static SqsClient client(URI endpoint) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Writes the state file of a "running" local stack (this JVM is its supervisor) whose SQS is {@code sqsUrl}. */
    void writeState(Path project, String sqsUrl) throws IOException {
        Map<String, String> resources = new LinkedHashMap<>();
        resources.put("region", REGION);
        resources.put("queueUrl", queueUrl);
        resources.put("dlqUrl", dlqUrl);
        resources.put("webhookDlqUrl", webhookDlqUrl);
        LocalState state = new LocalState(
                ProcessHandle.current().pid(),
                System.currentTimeMillis(),
                true,
                Map.of("sqs", new LocalState.Part("sqs", sqsUrl, 0, 0, "test")),
                resources);
        Path f = LocalState.file(project);
        Files.createDirectories(f.getParent());
        Files.writeString(f, CvaContext.json().writeValueAsString(state));
    }

    /** The state file with more parts (name to URL) and resources than the SQS of {@link #writeState(Path, String)}. */
    void writeState(Path project, Map<String, String> parts, Map<String, String> extraResources) throws IOException {
        Map<String, String> resources = new LinkedHashMap<>();
        resources.put("region", REGION);
        resources.put("queueUrl", queueUrl);
        resources.put("dlqUrl", dlqUrl);
        resources.put("webhookDlqUrl", webhookDlqUrl);
        resources.putAll(extraResources);
        Map<String, LocalState.Part> all = new LinkedHashMap<>();
        all.put("sqs", new LocalState.Part("sqs", endpoint.toString(), 0, 0, "test"));
        parts.forEach((name, url) -> all.put(name, new LocalState.Part(name, url, 0, 0, "test")));
        LocalState state =
                new LocalState(ProcessHandle.current().pid(), System.currentTimeMillis(), true, all, resources);
        Path f = LocalState.file(project);
        Files.createDirectories(f.getParent());
        Files.writeString(f, CvaContext.json().writeValueAsString(state));
    }

    void writeState(Path project) throws IOException {
        writeState(project, endpoint.toString());
    }

    /** A message in the FIFO DLQ, as a poison event of group {@code group} would arrive there. */
    void toDlq(String group, String body, Map<String, String> attributes) {
        Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
        attributes.forEach((k, v) -> attrs.put(
                k,
                MessageAttributeValue.builder()
                        .dataType("String")
                        .stringValue(v)
                        .build()));
        sqs.sendMessage(b -> b.queueUrl(dlqUrl)
                .messageBody(body)
                .messageGroupId(group)
                .messageDeduplicationId(java.util.UUID.randomUUID().toString())
                .messageAttributes(attrs));
    }

    /** Receives and deletes everything in a queue (FIFO order per group as delivered). */
    List<Message> drain(String url) {
        List<Message> all = new ArrayList<>();
        int empty = 0;
        while (empty < 2) {
            int wait = empty(empty);
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(wait)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                            .messageAttributeNames("All"))
                    .messages();
            if (batch.isEmpty()) {
                empty++;
                continue;
            }
            empty = 0;
            all.addAll(batch);
            for (int i = 0; i < batch.size(); i += 10) {
                List<Message> part = batch.subList(i, Math.min(batch.size(), i + 10));
                sqs.deleteMessageBatch(b -> b.queueUrl(url)
                        .entries(part.stream()
                                .map(m ->
                                        software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry
                                                .builder()
                                                .id(Integer.toString(part.indexOf(m)))
                                                .receiptHandle(m.receiptHandle())
                                                .build())
                                .toList()));
            }
        }
        return all;
    }

    private static int empty(int n) {
        return n == 0 ? 0 : 1;
    }

    /** Visible plus in-flight messages. */
    /** Messages received and neither deleted nor visible again yet (in flight). */
    long inFlight(String url) {
        return Long.parseLong(sqs.getQueueAttributes(b ->
                        b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    long depth(String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Override
    public void close() {
        sqs.close();
        dev.cva.local.LocalSqs.stop(server);
    }
}
