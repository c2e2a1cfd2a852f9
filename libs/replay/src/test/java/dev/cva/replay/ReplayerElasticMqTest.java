package dev.cva.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.local.LocalSqs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The Replayer as the CLI runs it, through real parts: ElasticMQ (in this JVM, on 127.0.0.1) behind the AWS SDK's
 * client, {@link AwsSqsPort} and {@link SqsTarget}. A FIFO DLQ is moved to a FIFO queue: the selected messages arrive
 * in their groups' order with body, attributes and a replay count, the DLQ keeps exactly what was not selected.
 */
class ReplayerElasticMqTest {
    static LocalSqs elasticMq;
    static SqsClient client;

    @BeforeAll
    static void start() {
        elasticMq = LocalSqs.start();
        client = elasticMq.client();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (elasticMq != null) {
            elasticMq.close();
        }
    }

    static String fifo(String name) {
        return client.createQueue(b -> b.queueName(name)
                        .attributes(Map.of(
                                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "30")))
                .queueUrl();
    }

    @Test
    void theSelectedMessagesMoveInGroupOrderAndTheRestStaysInTheDlq() {
        String dlq = fifo("replay-dlq.fifo");
        String queue = fifo("replay-target.fifo");
        List<String> groups = List.of("g-1", "g-2", "g-3");
        for (int i = 0; i < 24; i++) {
            int n = i;
            client.sendMessage(b -> b.queueUrl(dlq)
                    .messageBody("{\"n\":" + n + "}")
                    .messageGroupId(groups.get(n % 3))
                    .messageDeduplicationId("d-" + n)
                    .messageAttributes(Map.of(
                            "origin",
                            MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue("chatbot")
                                    .build())));
        }

        Replayer.Result r;
        try (AwsSqsPort port = new AwsSqsPort(elasticMq.client())) {
            SqsTarget target = new SqsTarget(port, queue, "replay-target.fifo", true);
            // groups g-1 and g-2 only; two workers, two receivers: groups move concurrently, each in its order
            r = new Replayer(
                            port,
                            dlq,
                            true,
                            target,
                            m -> !"g-3".equals(m.groupId()),
                            null,
                            null,
                            null,
                            2,
                            2,
                            Duration.ofSeconds(30),
                            null,
                            Clock.systemUTC())
                    .run();
        }

        assertThat(r.aborted()).isNull();
        assertThat(r.failures()).isEmpty();
        assertThat(r.moved()).isEqualTo(16);

        Map<String, List<Integer>> arrived = new LinkedHashMap<>();
        for (Message m : drain(queue)) {
            arrived.computeIfAbsent(
                            m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID), g -> new ArrayList<>())
                    .add(Integer.parseInt(m.body().replaceAll("\\D", "")));
            assertThat(m.messageAttributes().get("origin").stringValue()).isEqualTo("chatbot");
            assertThat(m.messageAttributes().get(SqsPort.REPLAY_COUNT).stringValue())
                    .isEqualTo("1");
            assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                    .endsWith("-r1");
        }
        assertThat(arrived).containsOnlyKeys("g-1", "g-2");
        assertThat(arrived.get("g-1")).containsExactly(0, 3, 6, 9, 12, 15, 18, 21);
        assertThat(arrived.get("g-2")).containsExactly(1, 4, 7, 10, 13, 16, 19, 22);

        // the DLQ keeps g-3, visible again right after the run (it was released, not left to its timeout)
        List<Message> left = drain(dlq);
        assertThat(left)
                .extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .containsOnly("g-3");
        assertThat(left)
                .extracting(m -> Integer.parseInt(m.body().replaceAll("\\D", "")))
                .containsExactly(2, 5, 8, 11, 14, 17, 20, 23);
    }

    /** Receives (and deletes) everything visible now, in the order SQS hands it out. */
    static List<Message> drain(String url) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = client.receiveMessage(b -> b.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(0)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                            .messageAttributeNames("All"))
                    .messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            batch.forEach(m -> client.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
        }
    }
}
