package dev.cva.cli.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.replay.AwsSqsPort;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The DLQ reader on ElasticMQ (in this JVM): it finds one request's message and leaves every message in place. */
class SqsQueuesTest {
    static final String REGION = "eu-west-2";
    static SQSRestServer server;
    static SqsClient sqs;
    static String endpoint;

    @BeforeAll
    static void start() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion(REGION)
                .withAWSAccountId("000000000000")
                .start();
        endpoint =
                "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
        sqs = SqsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        dev.cva.local.LocalSqs.stop(server);
    }

    private static String id(int n) {
        return String.format("00000000-0000-4000-8000-%012d", n);
    }

    /** A dead letter as the notifier's SqsDeadLetters writes it. */
    private static void deadLetter(String url, String requestId, String reason, int attempts, Integer lastStatus) {
        Map<String, MessageAttributeValue> a = new java.util.HashMap<>(Map.of(
                "reason",
                        MessageAttributeValue.builder()
                                .dataType("String")
                                .stringValue(reason)
                                .build(),
                "attempts",
                        MessageAttributeValue.builder()
                                .dataType("Number")
                                .stringValue(Integer.toString(attempts))
                                .build(),
                "requestId",
                        MessageAttributeValue.builder()
                                .dataType("String")
                                .stringValue(requestId)
                                .build(),
                "webhookId",
                        MessageAttributeValue.builder()
                                .dataType("String")
                                .stringValue("msg_" + requestId)
                                .build()));
        if (lastStatus != null) {
            a.put(
                    "lastStatus",
                    MessageAttributeValue.builder()
                            .dataType("Number")
                            .stringValue(lastStatus.toString())
                            .build());
        }
        sqs.sendMessage(b -> b.queueUrl(url)
                .messageBody(
                        "{\"eventType\":\"analytics_record_created\",\"data\":{\"requestId\":\"" + requestId + "\"}}")
                .messageAttributes(a));
    }

    private static Map<QueueAttributeName, String> depth(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
    }

    @Test
    void findsTheWebhookDeadLetterOfOneRequestAmongOthersAndLeavesThemAllVisible() {
        String url = sqs.createQueue(b -> b.queueName("webhook-dlq-find")).queueUrl();
        for (int i = 0; i < 35; i++) {
            deadLetter(url, id(i), "http_503", 3, 503);
        }
        deadLetter(url, id(99), "circuit_open", 0, null);
        Instant before = Instant.now().minusSeconds(60);
        try (AwsSqsPort port = AwsSqsPort.forEmulator(endpoint, REGION, "local", "local")) {
            // by name, as in prod (resolved with GetQueueUrl)
            SqsQueues queues = new SqsQueues(() -> port, null, "webhook-dlq-find");
            Optional<TraceSources.WebhookLetter> found = queues.webhookDlq(id(99));
            assertThat(found).isPresent();
            assertThat(found.get().reason()).isEqualTo("circuit_open");
            assertThat(found.get().attempts()).isZero();
            assertThat(found.get().lastStatus()).isNull();
            assertThat(found.get().queue()).isEqualTo("webhook-dlq-find");
            assertThat(found.get().sentAt()).isAfter(before);
            assertThat(depth(url))
                    .as("every message seen is visible again at once")
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "36")
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
            // and found again by the next look
            TraceSources.WebhookLetter again = queues.webhookDlq(id(7)).orElseThrow();
            assertThat(again.reason()).isEqualTo("http_503");
            assertThat(again.attempts()).isEqualTo(3);
            assertThat(again.lastStatus()).isEqualTo(503);
            assertThat(queues.webhookDlq(id(5000))).isEmpty();
            assertThat(depth(url)).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "36");
        }
    }

    @Test
    void findsAHalfInTheFifoEventDlqByItsBody() {
        String url = sqs.createQueue(b -> b.queueName("event-dlq-find.fifo")
                        .attributes(Map.of(
                                QueueAttributeName.FIFO_QUEUE,
                                "true",
                                QueueAttributeName.CONTENT_BASED_DEDUPLICATION,
                                "true")))
                .queueUrl();
        for (int i = 0; i < 12; i++) {
            String id = id(i);
            sqs.sendMessage(b -> b.queueUrl(url)
                    .messageGroupId(id)
                    .messageBody("{\"eventType\":\"query\",\"requestId\":\"" + id
                            + "\",\"timestamp\":1765108800000,\"query\":\"q\"}"));
        }
        sqs.sendMessage(b -> b.queueUrl(url).messageGroupId("g").messageBody("not json at all"));
        try (AwsSqsPort port = AwsSqsPort.forEmulator(endpoint, REGION, "local", "local")) {
            SqsQueues queues = new SqsQueues(() -> port, url, null);
            var letters = queues.eventDlq(id(11));
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.eventType()).isEqualTo("query");
                assertThat(l.eventTimestamp()).isEqualTo(1765108800000L);
                assertThat(l.receiveCount()).isEqualTo(1);
                assertThat(l.queue()).isEqualTo("event-dlq-find.fifo");
            });
            assertThat(queues.eventDlq(id(500))).isEmpty();
            assertThat(queues.webhookDlq(id(11)))
                    .as("no webhook DLQ configured")
                    .isEmpty();
            assertThat(depth(url))
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "13")
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
        }
    }
}
