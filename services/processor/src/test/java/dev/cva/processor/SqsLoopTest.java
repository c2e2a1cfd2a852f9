package dev.cva.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.contracts.Contract;
import dev.cva.contracts.Examples;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.local.LocalAws;
import dev.cva.local.LocalSqs;
import dev.cva.local.Moto;
import dev.cva.local.ServicePolicies;
import dev.cva.local.Tables;
import dev.cva.local.lambda.EventSource;
import dev.cva.local.lambda.HandlerInvoker;
import dev.cva.local.lambda.SqsMapping;
import dev.cva.processor.support.Bodies;
import dev.cva.testing.TestSeed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The whole consumer path on real stand-ins: ElasticMQ FIFO queue with a FIFO DLQ (maxReceiveCount 3) feeding the
 * handler in batches of 10 the way Lambda's event source mapping does, moto's DynamoDB behind it.
 */
class SqsLoopTest {
    static final String QUERY_EVENTS =
            "loop-query-events-" + UUID.randomUUID().toString().substring(0, 8);
    static final String ANALYTICS =
            "loop-analytics-" + UUID.randomUUID().toString().substring(0, 8);
    static LocalSqs localSqs;
    static DynamoDbClient dynamo;
    static SqsClient sqs;

    @BeforeAll
    static void start() {
        localSqs = LocalSqs.start();
        dynamo = Moto.shared().dynamo();
        sqs = localSqs.client();
        Tables.createQueryEvents(dynamo, QUERY_EVENTS);
        Tables.createAnalytics(dynamo, ANALYTICS);
    }

    @AfterAll
    static void stop() {
        sqs.close();
        dynamo.close();
        localSqs.close();
    }

    record Send(String groupId, String dedupId, String body) {}

    @Test
    void poisonMessagesEndInTheDlqAndEveryValidPairIsOneRecord() throws Exception {
        TestSeed.check("SqsLoopTest", 47, this::poisonAndPairs);
    }

    private void poisonAndPairs(long seed) {
        String[] urls = LocalSqs.createFifoWithDlq(sqs, "loop", 3, 1);
        String queueUrl = urls[0];
        String dlqUrl = urls[1];
        Random random = new Random(seed);
        List<Send> sends = new ArrayList<>();
        List<String> requestIds = new ArrayList<>();
        long t0 = 1_763_980_800_000L;
        for (int i = 0; i < 40; i++) {
            String r = UUID.randomUUID().toString();
            requestIds.add(r);
            long t = t0 + i * 1000L;
            Send q = new Send(r, r + "-query", Bodies.query(r, t).toString());
            Send s = new Send(r, r + "-response", Bodies.response(r, t + 700).toString());
            if (random.nextBoolean()) {
                sends.add(q);
                sends.add(s);
            } else {
                sends.add(s); // response first: same group, so it is delivered first
                sends.add(q);
            }
            if (i % 5 == 0) {
                // a producer retry outside the deduplication window: same event, new dedup id
                sends.add(new Send(r, r + "-query-retry", Bodies.query(r, t).toString()));
            }
        }
        ObjectNode violating = Bodies.example(Contract.QUERY_EVENT, Examples.Kind.INVALID, "empty-query");
        List<String> poisonBodies = List.of(
                "{\"eventType\":\"query\",",
                violating.toString(),
                "{\"eventType\":\"feedback\",\"requestId\":\"" + UUID.randomUUID() + "\"}");
        for (int i = 0; i < poisonBodies.size(); i++) {
            sends.add(new Send("poison-" + i, "poison-" + i, poisonBodies.get(i)));
        }
        // interleave groups randomly; within a group the order above is kept
        List<List<Send>> byGroup = new ArrayList<>(sends.stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        Send::groupId, java.util.LinkedHashMap::new, java.util.stream.Collectors.toList()))
                .values());
        Collections.shuffle(byGroup, random);
        List<Send> ordered = new ArrayList<>();
        byGroup.forEach(ordered::addAll);
        for (int i = 0; i < ordered.size(); i += 10) {
            List<Send> chunk = ordered.subList(i, Math.min(i + 10, ordered.size()));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int j = 0; j < chunk.size(); j++) {
                Send s = chunk.get(j);
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id("m" + j)
                        .messageBody(s.body())
                        .messageGroupId(s.groupId())
                        .messageDeduplicationId(s.dedupId())
                        .build());
            }
            assertThat(sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries))
                            .failed())
                    .isEmpty();
        }

        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        // the handler under the processor's execution role (infra/policies/processor.json), as in AWS
        String region = LocalAws.DEFAULT_REGION.id();
        DynamoDbClient asProcessor = Moto.shared()
                .dynamoAs(Moto.shared()
                        .roleFor(
                                "processor",
                                java.util.Map.of(
                                        "queue_arn",
                                        ServicePolicies.Arns.queue(region, "loop.fifo"),
                                        "query_events_table_arn",
                                        ServicePolicies.Arns.table(region, QUERY_EVENTS),
                                        "analytics_table_arn",
                                        ServicePolicies.Arns.table(region, ANALYTICS))));
        ProcessorHandler handler = new ProcessorHandler(
                asProcessor,
                new ProcessorConfig(QUERY_EVENTS, ANALYTICS, "eu-west-2", ProcessorConfig.DEFAULT_INTERIM_TTL),
                Clock.systemUTC(),
                new JsonLog("processor", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        // Lambda's SQS mapping as the local runtime runs it, with the settings the Terraform deploys (cva.yaml)
        SqsMapping mapping = new SqsMapping(
                sqs,
                queueUrl,
                "eu-west-2",
                new HandlerInvoker<>(
                        "processor",
                        handler,
                        com.amazonaws.services.lambda.runtime.events.SQSEvent.class,
                        com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.class,
                        1),
                EventSource.fromRepository("processor", EventSource.SQS_DEFAULTS),
                System.out::println);
        mapping.drain(60_000);
        System.out.print(logs.toString(StandardCharsets.UTF_8));

        List<Message> dead = new ArrayList<>();
        for (int i = 0; i < 5 && dead.size() < poisonBodies.size(); i++) {
            dead.addAll(sqs.receiveMessage(b -> b.queueUrl(dlqUrl)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                    .messages());
        }
        assertThat(dead).extracting(Message::body).containsExactlyInAnyOrderElementsOf(poisonBodies);
        assertThat(dead)
                .allSatisfy(m -> assertThat(Integer.parseInt(
                                m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)))
                        .isGreaterThanOrEqualTo(3));
        // each poison message was reported as a failure on each of its three receives
        assertThat(mapping.reportedFailures()).isEqualTo(3L * poisonBodies.size());

        var all = dynamo.scan(b -> b.tableName(ANALYTICS).consistentRead(true)).items();
        assertThat(all).hasSize(requestIds.size());
        Set<String> recorded = new HashSet<>();
        all.forEach(item -> recorded.add(item.get("requestId").s()));
        assertThat(recorded).containsExactlyInAnyOrderElementsOf(requestIds);
        assertThat(all).allSatisfy(item -> assertThat(item.get("latencyMs")).isEqualTo(AttributeValue.fromN("700")));
        // A producer retry that arrives after its record was completed parks a lone half again (there is no
        // transaction to check the record first): that row only waits for its TTL and never makes a record.
        assertThat(dynamo.scan(b -> b.tableName(QUERY_EVENTS).consistentRead(true))
                        .items())
                .as("only completed requests' late duplicates are left parked")
                .allSatisfy(item -> {
                    assertThat(recorded).contains(item.get("requestId").s());
                    // requestId, the half, its ttl and its trace id
                    assertThat(item).containsKeys("ttl", "traceId").hasSize(4);
                });
        assertThat(mapping.invocations()).isGreaterThan(ordered.size() / 10);
    }
}
