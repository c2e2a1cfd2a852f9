package dev.cva.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.contracts.Contract;
import dev.cva.contracts.Examples;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.local.LocalSqs;
import dev.cva.local.Moto;
import dev.cva.local.Tables;
import dev.cva.local.lambda.EventSource;
import dev.cva.local.lambda.HandlerInvoker;
import dev.cva.local.lambda.OnFailureDestination;
import dev.cva.local.lambda.StreamMapping;
import dev.cva.notifier.support.FaultyHttpClient;
import dev.cva.notifier.support.StreamEvents;
import dev.cva.notifier.support.WebhookReceiver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The fault test of "no batch is dropped": the real notifier handler behind the local stream mapping (with the
 * settings of cva.yaml and an on-failure destination, as the Terraform has them) on moto's real stream, webhooks to
 * a real receiver, dead letters and on-failure records in ElasticMQ. Records whose handling throws are each in the
 * webhook DLQ while the others are delivered; a batch whose invocation keeps failing is in the on-failure queue,
 * every one of its records covered by exactly one recorded range.
 */
class NoBatchDroppedTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final WebhookSecret SECRET = WebhookSecret.parse("whsec_Y3YtYW5hbHl0aWNzLWxvY2FsLWRldmVsb3BtZW50LW9ubHk=");

    static LocalSqs localSqs;
    static SqsClient sqs;
    static DynamoDbClient dynamo;
    static WebhookReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        localSqs = LocalSqs.start();
        sqs = localSqs.client();
        dynamo = Moto.shared().dynamo();
        receiver = new WebhookReceiver(SECRET);
    }

    @AfterAll
    static void stop() {
        receiver.close();
        sqs.close();
        localSqs.close();
    }

    static ObjectNode record(String example) throws Exception {
        ObjectNode n =
                (ObjectNode) MAPPER.readTree(Examples.get(Contract.ANALYTICS_RECORD, Examples.Kind.VALID, example)
                        .bytes());
        n.put("requestId", UUID.randomUUID().toString());
        return n;
    }

    static List<Message> drain(String url) {
        List<Message> all = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            int wait = empty;
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(wait)
                            .messageAttributeNames("All"))
                    .messages();
            if (got.isEmpty()) {
                empty++;
                continue;
            }
            all.addAll(got);
            got.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
        }
        return all;
    }

    static String requestId(byte[] webhookBody) {
        try {
            return MAPPER.readTree(webhookBody).path("data").path("requestId").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void recordsThatThrowAreDeadLetteredEachAloneAndABatchThatKeepsFailingIsRecordedNotDropped() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String webhookDlq =
                sqs.createQueue(b -> b.queueName("webhook-dlq-" + suffix)).queueUrl();
        String onFailureQueue =
                sqs.createQueue(b -> b.queueName("stream-failures-" + suffix)).queueUrl();
        String table = "analytics-" + suffix;
        Tables.createAnalytics(dynamo, table);
        String streamArn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();

        Set<String> poisoned = ConcurrentHashMap.newKeySet();
        AtomicBoolean jvmInTrouble = new AtomicBoolean();
        HttpClient http = new FaultyHttpClient(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build(),
                id -> jvmInTrouble.get()
                        ? new StackOverflowError()
                        : poisoned.contains(id) ? new NoClassDefFoundError("dev/cva/notifier/Missing") : null);
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        NotifierConfig config = new NotifierConfig(
                receiver.url(),
                SECRET,
                webhookDlq,
                3,
                Duration.ofSeconds(2),
                Duration.ofMillis(20),
                Duration.ofMillis(100),
                Duration.ofMillis(1500),
                "eu-west-2");
        NotifierHandler handler = new NotifierHandler(
                config,
                http,
                sqs,
                Clock.systemUTC(),
                new JsonLog("notifier", new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        List<String> mappingLog = new ArrayList<>();
        EventSource settings = EventSource.fromRepository("notifier", EventSource.STREAM_DEFAULTS); // cva.yaml's
        StreamMapping mapping = new StreamMapping(
                Moto.shared().streams(),
                streamArn,
                "eu-west-2",
                new HandlerInvoker<>("notifier", handler, DynamodbEvent.class, StreamsEventResponse.class, 1),
                settings,
                Duration.ofMillis(5),
                mappingLog::add,
                new OnFailureDestination(
                        sqs,
                        onFailureQueue,
                        "arn:aws:lambda:eu-west-2:000000000000:function:cv-analytics-notifier:live"),
                Clock.systemUTC());

        // 1. two of six records throw while being sent: each dead-lettered alone, the other four delivered
        List<ObjectNode> first = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            first.add(record(i % 2 == 0 ? "full" : "anonymous"));
        }
        poisoned.add("msg_" + first.get(1).get("requestId").asText());
        poisoned.add("msg_" + first.get(4).get("requestId").asText());
        first.forEach(r -> dynamo.putItem(b -> b.tableName(table).item(StreamEvents.item(r))));
        while (mapping.pollOnce()) {}

        assertThat(receiver.received())
                .extracting(r -> requestId(r.body()))
                .containsExactlyInAnyOrder(
                        first.get(0).get("requestId").asText(),
                                first.get(2).get("requestId").asText(),
                        first.get(3).get("requestId").asText(),
                                first.get(5).get("requestId").asText());
        assertThat(drain(webhookDlq))
                .extracting(m -> requestId(m.body().getBytes(StandardCharsets.UTF_8)))
                .containsExactlyInAnyOrder(
                        first.get(1).get("requestId").asText(),
                        first.get(4).get("requestId").asText());
        assertThat(mapping.delivered()).as("the batch itself succeeded").isEqualTo(6);
        assertThat(mapping.skipped()).isZero();
        assertThat(drain(onFailureQueue)).isEmpty();

        // 2. the notifier's invocation keeps failing (its JVM in trouble): the mapping retries, bisects, gives up,
        //    and every record of the batch is named by exactly one on-failure record
        receiver.reset();
        jvmInTrouble.set(true);
        List<ObjectNode> second = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            second.add(record("full"));
        }
        second.forEach(r -> dynamo.putItem(b -> b.tableName(table).item(StreamEvents.item(r))));
        while (mapping.pollOnce()) {}

        assertThat(receiver.received()).isEmpty();
        assertThat(drain(webhookDlq))
                .as("a JVM error is not swallowed as a dead letter")
                .isEmpty();
        assertThat(mapping.skipped()).isEqualTo(5);
        List<BigInteger> secondSequences = new ArrayList<>();
        var streamRecords = StreamEvents.readAll(Moto.shared().streams(), streamArn);
        streamRecords
                .subList(6, 11)
                .forEach(r -> secondSequences.add(new BigInteger(r.dynamodb().sequenceNumber())));
        List<BigInteger> covered = new ArrayList<>();
        List<Message> recorded = drain(onFailureQueue);
        assertThat(recorded).isNotEmpty();
        for (Message m : recorded) {
            JsonNode r = MAPPER.readTree(m.body());
            assertThat(r.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(r.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
            BigInteger from = new BigInteger(
                    r.at("/DDBStreamBatchInfo/startSequenceNumber").asText());
            BigInteger to =
                    new BigInteger(r.at("/DDBStreamBatchInfo/endSequenceNumber").asText());
            List<BigInteger> inRange = secondSequences.stream()
                    .filter(s -> s.compareTo(from) >= 0 && s.compareTo(to) <= 0)
                    .toList();
            assertThat(inRange).hasSize(r.at("/DDBStreamBatchInfo/batchSize").asInt());
            covered.addAll(inRange);
        }
        assertThat(covered)
                .as("each skipped record in exactly one recorded range")
                .containsExactlyInAnyOrderElementsOf(secondSequences);
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).doesNotContain(SECRET.reveal());

        // 3. once the notifier is healthy again the mapping goes on with new records
        jvmInTrouble.set(false);
        ObjectNode later = record("anonymous");
        dynamo.putItem(b -> b.tableName(table).item(StreamEvents.item(later)));
        while (mapping.pollOnce()) {}
        assertThat(receiver.received())
                .extracting(r -> requestId(r.body()))
                .containsExactly(later.get("requestId").asText());
    }
}
