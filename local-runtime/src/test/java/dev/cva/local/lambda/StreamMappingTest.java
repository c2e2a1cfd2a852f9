package dev.cva.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.local.LocalSqs;
import dev.cva.local.Moto;
import dev.cva.local.Tables;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Lambda's DynamoDB stream mapping rules against moto's real stream. */
class StreamMappingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static DynamoDbClient dynamo;
    static DynamoDbStreamsClient streams;
    static LocalSqs localSqs;
    static SqsClient sqs;

    @BeforeAll
    static void start() {
        dynamo = Moto.shared().dynamo();
        streams = Moto.shared().streams();
        localSqs = LocalSqs.start();
        sqs = localSqs.client();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        localSqs.close();
    }

    /** A function that records the requestIds of each batch and answers as the test says. */
    static final class Scripted implements Invoker {
        final Function<List<JsonNode>, Result> answer;
        final List<List<String>> batches = new CopyOnWriteArrayList<>();

        Scripted(Function<List<JsonNode>, Result> answer) {
            this.answer = answer;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public int concurrency() {
            return 1;
        }

        @Override
        public Result invoke(String payload) {
            try {
                List<JsonNode> records = new ArrayList<>();
                JSON.readTree(payload).path("Records").forEach(records::add);
                batches.add(records.stream().map(StreamMappingTest::id).toList());
                return answer.apply(records);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String id(JsonNode record) {
        return record.path("dynamodb")
                .path("NewImage")
                .path("requestId")
                .path("S")
                .asText();
    }

    /** A fresh table with {@code n} records r00..; returns its stream ARN. */
    static String tableWith(int n) {
        String table = "stream-" + UUID.randomUUID().toString().substring(0, 8);
        Tables.createAnalytics(dynamo, table);
        for (int i = 0; i < n; i++) {
            String id = String.format("r%02d", i);
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "requestId",
                            AttributeValue.fromS(id),
                            "week",
                            AttributeValue.fromS("2026-W47"),
                            "timestamp",
                            AttributeValue.fromN("1"))));
        }
        return dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
    }

    static void putRecord(String arn, String id) {
        String table = arn.substring(arn.indexOf(":table/") + 7, arn.indexOf("/stream/"));
        dynamo.putItem(b -> b.tableName(table)
                .item(Map.of(
                        "requestId",
                        AttributeValue.fromS(id),
                        "week",
                        AttributeValue.fromS("2026-W47"),
                        "timestamp",
                        AttributeValue.fromN("1"))));
    }

    /** The stream's own answer, read apart from the mapping: shard id, and the sequence number of each requestId. */
    static Map<String, String> sequences(String arn, String[] shardOut) {
        var shard = streams.describeStream(b -> b.streamArn(arn))
                .streamDescription()
                .shards()
                .get(0);
        shardOut[0] = shard.shardId();
        String it = streams.getShardIterator(b ->
                        b.streamArn(arn).shardId(shard.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        Map<String, String> out = new java.util.LinkedHashMap<>();
        streams.getRecords(b -> b.shardIterator(it).limit(1000))
                .records()
                .forEach(r -> out.put(
                        r.dynamodb().newImage().get("requestId").s(),
                        r.dynamodb().sequenceNumber()));
        return out;
    }

    static final String FUNCTION_ARN = "arn:aws:lambda:eu-west-2:000000000000:function:cv-analytics-scripted:live";

    static List<JsonNode> onFailureRecords(String queueUrl) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<Message> got = sqs.receiveMessage(
                            b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            for (Message m : got) {
                out.add(JSON.readTree(m.body()));
            }
        }
        return out;
    }

    @Test
    void aBatchThatExhaustsItsRetriesIsRecordedAtTheOnFailureDestinationAndTheMappingGoesOn() throws Exception {
        String arn = tableWith(4);
        String dest = sqs.createQueue(b -> b.queueName(
                        "stream-failures-" + UUID.randomUUID().toString().substring(0, 8)))
                .queueUrl();
        boolean[] down = {true};
        Scripted f = new Scripted(records -> down[0]
                ? new Invoker.Result(
                        true, "{\"errorMessage\":\"down\",\"errorType\":\"java.lang.IllegalStateException\"}")
                : new Invoker.Result(false, "{\"batchItemFailures\":[]}"));
        List<String> log = new ArrayList<>();
        StreamMapping m = new StreamMapping(
                streams,
                arn,
                "eu-west-2",
                f,
                new EventSource(100, 1, 0, "TRIM_HORIZON", 2, false, 86400, 1),
                Duration.ofMillis(5),
                log::add,
                new OnFailureDestination(sqs, dest, FUNCTION_ARN, () -> "7"),
                Clock.systemUTC());

        m.pollOnce();

        assertThat(f.batches).as("the first try and two retries").hasSize(3);
        assertThat(m.skipped()).isEqualTo(4);
        assertThat(m.onFailureRecords()).isEqualTo(1);
        List<JsonNode> recorded = onFailureRecords(dest);
        assertThat(recorded).as("one record for the skipped batch").hasSize(1);
        JsonNode r = recorded.get(0);
        String[] shard = new String[1];
        Map<String, String> seq = sequences(arn, shard);
        assertThat(r.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(r.at("/requestContext/functionArn").asText()).isEqualTo(FUNCTION_ARN);
        assertThat(r.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(r.at("/requestContext/requestId").asText()).isNotBlank();
        assertThat(r.at("/responseContext/statusCode").asInt()).isEqualTo(200);
        assertThat(r.at("/responseContext/executedVersion").asText()).isEqualTo("7");
        assertThat(r.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
        assertThat(r.path("version").asText()).isEqualTo("1.0");
        assertThat(Instant.parse(r.path("timestamp").asText())).isNotNull();
        JsonNode info = r.path("DDBStreamBatchInfo");
        assertThat(info.path("shardId").asText()).isEqualTo(shard[0]);
        assertThat(info.path("startSequenceNumber").asText()).isEqualTo(seq.get("r00"));
        assertThat(info.path("endSequenceNumber").asText()).isEqualTo(seq.get("r03"));
        assertThat(info.path("batchSize").asInt()).isEqualTo(4);
        assertThat(info.path("streamArn").asText()).isEqualTo(arn);
        assertThat(Instant.parse(info.path("approximateArrivalOfFirstRecord").asText()))
                .isBeforeOrEqualTo(Instant.parse(
                        info.path("approximateArrivalOfLastRecord").asText()));
        assertThat(r.toString()).as("no record data: it stays in the stream").doesNotContain("2026-W47");

        // the mapping goes on after the skipped batch, with the next records only
        down[0] = false;
        putRecord(arn, "r04");
        putRecord(arn, "r05");
        while (m.pollOnce()) {}
        assertThat(f.batches.get(f.batches.size() - 1)).containsExactly("r04", "r05");
        assertThat(m.delivered()).isEqualTo(2);
        assertThat(onFailureRecords(dest)).isEmpty();
    }

    @Test
    void recordsPastTheirMaximumAgeAreSkippedUninvokedAndRecordedAsRecordAgeExceeded() throws Exception {
        String arn = tableWith(3);
        String dest = sqs.createQueue(b -> b.queueName(
                        "stream-failures-" + UUID.randomUUID().toString().substring(0, 8)))
                .queueUrl();
        Scripted f = new Scripted(r -> new Invoker.Result(false, "{}"));
        Clock twoDaysLater = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
        StreamMapping m = new StreamMapping(
                streams,
                arn,
                "eu-west-2",
                f,
                new EventSource(100, 1, 0, "TRIM_HORIZON", 3, true, 3600, 1),
                Duration.ofMillis(5),
                new ArrayList<String>()::add,
                new OnFailureDestination(sqs, dest, FUNCTION_ARN),
                twoDaysLater);

        m.pollOnce();

        assertThat(f.batches).isEmpty();
        assertThat(m.skipped()).isEqualTo(3);
        List<JsonNode> recorded = onFailureRecords(dest);
        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).at("/requestContext/condition").asText()).isEqualTo("RecordAgeExceeded");
        assertThat(recorded.get(0).at("/requestContext/approximateInvokeCount").asInt())
                .isZero();
        assertThat(recorded.get(0).at("/DDBStreamBatchInfo/batchSize").asInt()).isEqualTo(3);
        assertThat(recorded.get(0).at("/responseContext/functionError").isMissingNode())
                .isTrue();
    }

    @Test
    void withBisectEachHalfThatKeepsFailingHasItsOwnRecord() throws Exception {
        String arn = tableWith(8);
        String dest = sqs.createQueue(b -> b.queueName(
                        "stream-failures-" + UUID.randomUUID().toString().substring(0, 8)))
                .queueUrl();
        Scripted f = new Scripted(records -> records.stream().anyMatch(r -> id(r).equals("r05"))
                ? new Invoker.Result(true, "{\"errorMessage\":\"poison\"}")
                : new Invoker.Result(false, "{}"));
        StreamMapping m = new StreamMapping(
                streams,
                arn,
                "eu-west-2",
                f,
                FIVE_RETRIES_BISECT,
                Duration.ofMillis(5),
                new ArrayList<String>()::add,
                new OnFailureDestination(sqs, dest, FUNCTION_ARN),
                Clock.systemUTC());

        m.pollOnce();

        String[] shard = new String[1];
        Map<String, String> seq = sequences(arn, shard);
        List<JsonNode> recorded = onFailureRecords(dest);
        assertThat(recorded)
                .as("only the poison record's batch")
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.at("/DDBStreamBatchInfo/startSequenceNumber").asText())
                            .isEqualTo(seq.get("r05"));
                    assertThat(r.at("/DDBStreamBatchInfo/endSequenceNumber").asText())
                            .isEqualTo(seq.get("r05"));
                    assertThat(r.at("/DDBStreamBatchInfo/batchSize").asInt()).isEqualTo(1);
                });
        assertThat(m.delivered()).isEqualTo(7);
    }

    static StreamMapping mapping(String arn, Invoker f, EventSource settings, List<String> log) {
        return new StreamMapping(streams, arn, "eu-west-2", f, settings, Duration.ofMillis(5), log::add);
    }

    static final EventSource FIVE_RETRIES_BISECT = new EventSource(100, 1, 0, "TRIM_HORIZON", 5, true, 86400, 1);

    @Test
    void everyRecordInOrderInBatchesOfTheConfiguredSize() {
        String arn = tableWith(25);
        Scripted f = new Scripted(r -> new Invoker.Result(false, "{\"batchItemFailures\":[]}"));
        StreamMapping m =
                mapping(arn, f, new EventSource(10, 1, 0, "TRIM_HORIZON", 3, true, 86400, 1), new ArrayList<>());
        while (m.pollOnce()) {}
        assertThat(f.batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(10));
        List<String> all = f.batches.stream().flatMap(List::stream).toList();
        assertThat(all).hasSize(25).isSorted();
        assertThat(m.delivered()).isEqualTo(25);
    }

    @Test
    void aReportedFailureIsRetriedFromThatRecordOn() {
        String arn = tableWith(6);
        boolean[] failedOnce = {false};
        Scripted f = new Scripted(records -> {
            if (!failedOnce[0]) {
                failedOnce[0] = true;
                String seq =
                        records.get(3).path("dynamodb").path("SequenceNumber").asText();
                return new Invoker.Result(false, "{\"batchItemFailures\":[{\"itemIdentifier\":\"" + seq + "\"}]}");
            }
            return new Invoker.Result(false, "{}");
        });
        StreamMapping m = mapping(arn, f, FIVE_RETRIES_BISECT, new ArrayList<>());
        m.pollOnce();
        assertThat(f.batches)
                .containsExactly(List.of("r00", "r01", "r02", "r03", "r04", "r05"), List.of("r03", "r04", "r05"));
        assertThat(m.delivered()).isEqualTo(6);
        assertThat(m.skipped()).isZero();
    }

    @Test
    void aFunctionErrorBisectsTheBatchAndOnlyThePoisonRecordIsSkippedAfterTheRetries() {
        String arn = tableWith(8);
        List<String> log = new ArrayList<>();
        Scripted f = new Scripted(records -> records.stream().anyMatch(r -> id(r).equals("r05"))
                ? new Invoker.Result(true, "{\"errorMessage\":\"poison\"}")
                : new Invoker.Result(false, "{}"));
        StreamMapping m = mapping(arn, f, FIVE_RETRIES_BISECT, log);
        m.pollOnce();
        assertThat(m.skipped()).isEqualTo(1);
        assertThat(m.delivered()).isEqualTo(7);
        assertThat(f.batches.get(0)).hasSize(8);
        assertThat(f.batches.get(1)).containsExactly("r00", "r01", "r02", "r03"); // first half of the split
        // the delivered records arrive in order
        List<String> ok = f.batches.stream()
                .filter(b -> !b.contains("r05"))
                .flatMap(List::stream)
                .toList();
        assertThat(ok).containsExactly("r00", "r01", "r02", "r03", "r04", "r06", "r07");
        assertThat(log).anySatisfy(l -> assertThat(l).contains("skipped 1 stream records"));
    }

    @Test
    void anInvalidResponseIsAFailureNotASuccess() {
        for (String invalid : List.of(
                "not json",
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"999\"}]}",
                "{\"batchItemFailures\":[{}]}",
                "[]")) {
            String arn = tableWith(2);
            Scripted f = new Scripted(r -> new Invoker.Result(false, invalid));
            StreamMapping m =
                    mapping(arn, f, new EventSource(100, 1, 0, "TRIM_HORIZON", 2, false, 86400, 1), new ArrayList<>());
            m.pollOnce();
            assertThat(m.delivered()).as(invalid).isZero();
            assertThat(m.skipped()).as(invalid).isEqualTo(2);
            assertThat(f.batches).as("first try and two retries: " + invalid).hasSize(3);
        }
    }

    @Test
    void latestStartsAfterWhatIsAlreadyInTheStream() {
        String arn = tableWith(3);
        Scripted f = new Scripted(r -> new Invoker.Result(false, "{}"));
        StreamMapping m = mapping(arn, f, new EventSource(100, 1, 0, "LATEST", 3, true, 86400, 1), new ArrayList<>());
        m.pollOnce();
        assertThat(f.batches).isEmpty();
    }
}
