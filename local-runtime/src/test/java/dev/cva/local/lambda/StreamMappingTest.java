package dev.cva.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.local.Moto;
import dev.cva.local.Tables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** Lambda's DynamoDB stream mapping rules against moto's real stream. */
class StreamMappingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static DynamoDbClient dynamo;
    static DynamoDbStreamsClient streams;

    @BeforeAll
    static void start() {
        dynamo = Moto.shared().dynamo();
        streams = Moto.shared().streams();
    }

    /** A function that records the requestIds of each batch and answers as the test says. */
    static final class Scripted implements Invoker {
        final Function<List<JsonNode>, Result> answer;
        final List<List<String>> batches = new CopyOnWriteArrayList<>();

        Scripted(Function<List<JsonNode>, Result> answer) {
            this.answer = answer;
        }

        @Override public String name() { return "scripted"; }
        @Override public int concurrency() { return 1; }

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
        return record.path("dynamodb").path("NewImage").path("requestId").path("S").asText();
    }

    /** A fresh table with {@code n} records r00..; returns its stream ARN. */
    static String tableWith(int n) {
        String table = "stream-" + UUID.randomUUID().toString().substring(0, 8);
        Tables.createAnalytics(dynamo, table);
        for (int i = 0; i < n; i++) {
            String id = String.format("r%02d", i);
            dynamo.putItem(b -> b.tableName(table).item(Map.of("requestId", AttributeValue.fromS(id),
                    "week", AttributeValue.fromS("2026-W47"), "timestamp", AttributeValue.fromN("1"))));
        }
        return dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
    }

    static StreamMapping mapping(String arn, Invoker f, EventSource settings, List<String> log) {
        return new StreamMapping(streams, arn, "eu-west-2", f, settings, Duration.ofMillis(5), log::add);
    }

    static final EventSource FIVE_RETRIES_BISECT = new EventSource(100, 1, 0, "TRIM_HORIZON", 5, true, 86400, 1);

    @Test
    void everyRecordInOrderInBatchesOfTheConfiguredSize() {
        String arn = tableWith(25);
        Scripted f = new Scripted(r -> new Invoker.Result(false, "{\"batchItemFailures\":[]}"));
        StreamMapping m = mapping(arn, f, new EventSource(10, 1, 0, "TRIM_HORIZON", 3, true, 86400, 1), new ArrayList<>());
        while (m.pollOnce()) { }
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
                String seq = records.get(3).path("dynamodb").path("SequenceNumber").asText();
                return new Invoker.Result(false, "{\"batchItemFailures\":[{\"itemIdentifier\":\"" + seq + "\"}]}");
            }
            return new Invoker.Result(false, "{}");
        });
        StreamMapping m = mapping(arn, f, FIVE_RETRIES_BISECT, new ArrayList<>());
        m.pollOnce();
        assertThat(f.batches).containsExactly(List.of("r00", "r01", "r02", "r03", "r04", "r05"), List.of("r03", "r04", "r05"));
        assertThat(m.delivered()).isEqualTo(6);
        assertThat(m.skipped()).isZero();
    }

    @Test
    void aFunctionErrorBisectsTheBatchAndOnlyThePoisonRecordIsSkippedAfterTheRetries() {
        String arn = tableWith(8);
        List<String> log = new ArrayList<>();
        Scripted f = new Scripted(records -> records.stream().anyMatch(r -> id(r).equals("r05"))
                ? new Invoker.Result(true, "{\"errorMessage\":\"poison\"}") : new Invoker.Result(false, "{}"));
        StreamMapping m = mapping(arn, f, FIVE_RETRIES_BISECT, log);
        m.pollOnce();
        assertThat(m.skipped()).isEqualTo(1);
        assertThat(m.delivered()).isEqualTo(7);
        assertThat(f.batches.get(0)).hasSize(8);
        assertThat(f.batches.get(1)).containsExactly("r00", "r01", "r02", "r03"); // first half of the split
        // the delivered records arrive in order
        List<String> ok = f.batches.stream().filter(b -> !b.contains("r05")).flatMap(List::stream).toList();
        assertThat(ok).containsExactly("r00", "r01", "r02", "r03", "r04", "r06", "r07");
        assertThat(log).anySatisfy(l -> assertThat(l).contains("skipped 1 stream records"));
    }

    @Test
    void anInvalidResponseIsAFailureNotASuccess() {
        for (String invalid : List.of("not json", "{\"batchItemFailures\":[{\"itemIdentifier\":\"999\"}]}",
                "{\"batchItemFailures\":[{}]}", "[]")) {
            String arn = tableWith(2);
            Scripted f = new Scripted(r -> new Invoker.Result(false, invalid));
            StreamMapping m = mapping(arn, f, new EventSource(100, 1, 0, "TRIM_HORIZON", 2, false, 86400, 1), new ArrayList<>());
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
