package dev.cva.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.local.LoopbackHttp;
import dev.cva.local.Moto;
import dev.cva.local.Tables;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * cva replay-dlq on the notifier stream mapping's on-failure queue: ElasticMQ in this JVM, moto's real DynamoDB
 * stream, and a stand-in for the notifier's live alias behind the Lambda Invoke API, reached through the real SDK.
 */
class ReplayStreamFailuresTest {
    static final String QUEUE = "cv-analytics-notifier-stream-failures";

    // its own moto server, stopped after the class: the end-to-end tests in this JVM check that no child is left
    static Moto moto;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = Moto.start(System.getenv(), Files.createTempDirectory("cva-moto").resolve("moto.log"));
        moto.enforceIam();
    }

    @AfterAll
    static void stopMoto() {
        moto.close();
    }

    @TempDir
    Path project;

    SqsStack stack;
    String queueUrl;
    HttpServer lambda;
    final List<String> invocations = new CopyOnWriteArrayList<>();
    final AtomicReference<String> functionError = new AtomicReference<>();
    String streamArn;
    String shardId;
    List<String> sequences;

    @BeforeEach
    void start() throws Exception {
        stack = SqsStack.start();
        queueUrl = stack.sqs.createQueue(b -> b.queueName(QUEUE)).queueUrl();
        lambda = LoopbackHttp.create(0, 16);
        lambda.createContext("/", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                invocations.add(ex.getRequestURI() + " " + body);
                String error = functionError.get();
                byte[] answer = (error == null
                                ? "{\"batchItemFailures\":[]}"
                                : "{\"errorMessage\":\"still down\",\"errorType\":\"java.lang.IllegalStateException\"}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                if (error != null) {
                    ex.getResponseHeaders().set("X-Amz-Function-Error", error);
                }
                ex.sendResponseHeaders(200, answer.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(answer);
                }
            }
        });
        lambda.start();

        DynamoDbClient dynamo = moto.dynamo();
        DynamoDbStreamsClient streams = moto.streams();
        String table = "analytics-" + UUID.randomUUID().toString().substring(0, 8);
        Tables.createAnalytics(dynamo, table);
        for (int i = 0; i < 3; i++) {
            String id = "r" + i;
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "requestId",
                            AttributeValue.fromS(id),
                            "week",
                            AttributeValue.fromS("2026-W49"),
                            "timestamp",
                            AttributeValue.fromN("1"))));
        }
        streamArn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        var shard = streams.describeStream(b -> b.streamArn(streamArn))
                .streamDescription()
                .shards()
                .get(0);
        shardId = shard.shardId();
        String it = streams.getShardIterator(b -> b.streamArn(streamArn)
                        .shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        sequences = streams.getRecords(b -> b.shardIterator(it)).records().stream()
                .map(r -> r.dynamodb().sequenceNumber())
                .toList();
        assertThat(sequences).hasSize(3);

        // the project's own cva.yaml (the repository's), so no cva.yaml above the temporary folder is taken for it
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), project.resolve("cva.yaml"));
        // moto enforces IAM: cva uses the stack administrator's keys, as `cva local up` leaves them
        var admin = moto.enforceIam().admin();
        Path keys = project.resolve(".cva/local/aws-credentials.json");
        Files.createDirectories(keys.getParent());
        Files.writeString(
                keys,
                CvaContext.json()
                        .writeValueAsString(Map.of(
                                "accessKeyId", admin.accessKeyId(), "secretAccessKey", admin.secretAccessKey())));
        stack.writeState(
                project,
                Map.of(
                        "dynamodb",
                        moto.endpoint().toString(),
                        "lambda",
                        "http://127.0.0.1:" + lambda.getAddress().getPort()),
                Map.of("streamFailureDlqUrl", queueUrl));
    }

    @AfterEach
    void stop() {
        lambda.stop(0);
        stack.close();
    }

    /** An on-failure record as Lambda writes it for a DynamoDB stream batch. */
    String onFailure(String first, String last, int size) {
        ObjectNode n = CvaContext.json().createObjectNode();
        n.putObject("requestContext")
                .put("requestId", UUID.randomUUID().toString())
                .put("functionArn", "arn:aws:lambda:eu-west-2:000000000000:function:cv-analytics-notifier:live")
                .put("condition", "RetryAttemptsExhausted")
                .put("approximateInvokeCount", 4);
        n.putObject("responseContext")
                .put("statusCode", 200)
                .put("executedVersion", "3")
                .put("functionError", "Unhandled");
        n.put("version", "1.0").put("timestamp", "2026-12-07T03:00:00.000Z");
        n.putObject("DDBStreamBatchInfo")
                .put("shardId", shardId)
                .put("startSequenceNumber", first)
                .put("endSequenceNumber", last)
                .put("approximateArrivalOfFirstRecord", "2026-12-07T02:59:00Z")
                .put("approximateArrivalOfLastRecord", "2026-12-07T02:59:01Z")
                .put("batchSize", size)
                .put("streamArn", streamArn);
        return n.toString();
    }

    CliHarness cli() {
        return new CliHarness(project);
    }

    static JsonNode json(CliHarness.Result r) throws Exception {
        return CvaContext.json().readTree(r.out());
    }

    @Test
    void theOverviewListsTheQueueAndThePreviewShowsEachSkippedBatch() throws Exception {
        stack.sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(onFailure(sequences.get(0), sequences.get(2), 3)));

        CliHarness.Result overview = cli().run("replay-dlq", "--json");
        assertThat(overview.exitCode()).as(overview.toString()).isZero();
        List<JsonNode> dlqs = new ArrayList<>();
        json(overview).get("dlqs").forEach(dlqs::add);
        assertThat(dlqs).anySatisfy(d -> {
            assertThat(d.get("name").asText()).isEqualTo(QUEUE);
            assertThat(d.get("alias").asText()).isEqualTo("stream-failures");
            assertThat(d.get("visible").asLong()).isEqualTo(1);
        });

        CliHarness.Result preview = cli().run("replay-dlq", "--queue", "stream-failures", "--json");
        assertThat(preview.exitCode()).as(preview.toString()).isZero();
        JsonNode p = json(preview).get("preview");
        assertThat(p.get("groupedBy").asText()).isEqualTo("condition");
        assertThat(p.get("groups").get("RetryAttemptsExhausted").asLong()).isEqualTo(1);
        JsonNode batch = p.get("batches").get(0);
        assertThat(batch.get("shardId").asText()).isEqualTo(shardId);
        assertThat(batch.get("startSequenceNumber").asText()).isEqualTo(sequences.get(0));
        assertThat(batch.get("endSequenceNumber").asText()).isEqualTo(sequences.get(2));
        assertThat(batch.get("batchSize").asInt()).isEqualTo(3);
        assertThat(batch.get("condition").asText()).isEqualTo("RetryAttemptsExhausted");

        CliHarness.Result text = cli().run("replay-dlq", "--queue", "stream-failures");
        assertThat(text.out())
                .contains(
                        "SHARD",
                        "FIRST SEQUENCE",
                        shardId,
                        sequences.get(0),
                        sequences.get(2),
                        "RetryAttemptsExhausted");
        assertThat(invocations).as("a preview invokes nothing").isEmpty();
        assertThat(stack.depth(queueUrl)).isEqualTo(1);
    }

    @Test
    void executeReReadsTheRangeFromTheStreamInvokesTheLiveAliasAndThenDeletesTheRecord() throws Exception {
        stack.sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(onFailure(sequences.get(0), sequences.get(1), 2)));

        CliHarness.Result r = cli().run("replay-dlq", "--queue", "stream-failures", "--execute", "--yes", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(json(r).get("replayed").asInt()).isEqualTo(1);
        assertThat(invocations).hasSize(1);
        String call = invocations.get(0);
        assertThat(call).startsWith("/2015-03-31/functions/cv-analytics-notifier/invocations?Qualifier=live ");
        JsonNode event = CvaContext.json().readTree(call.substring(call.indexOf(' ') + 1));
        List<String> sent = new ArrayList<>();
        event.get("Records").forEach(rec -> {
            sent.add(rec.at("/dynamodb/SequenceNumber").asText());
            assertThat(rec.get("eventSourceARN").asText()).isEqualTo(streamArn);
            assertThat(rec.get("eventName").asText()).isEqualTo("INSERT");
        });
        assertThat(sent)
                .as("exactly the skipped range, from the stream")
                .containsExactly(sequences.get(0), sequences.get(1));
        assertThat(stack.depth(queueUrl)).isZero();
    }

    @Test
    void aBatchTheNotifierStillFailsStaysInTheQueueAndTheExitIsPartial() throws Exception {
        stack.sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(onFailure(sequences.get(2), sequences.get(2), 1)));
        functionError.set("Unhandled");

        CliHarness.Result r = cli().run(
                        "replay-dlq",
                        "--queue",
                        "stream-failures",
                        "--execute",
                        "--yes",
                        "--json",
                        "--visibility",
                        "1s");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        JsonNode b = json(r).get("batches").get(0);
        assertThat(b.get("result").asText()).isEqualTo("failed");
        assertThat(b.get("detail").asText()).contains("function error (Unhandled)");
        assertThat(stack.depth(queueUrl)).as("left for the next run").isEqualTo(1);
    }

    @Test
    void theRecordsAreStreamRangesNotMessagesToMove() {
        stack.sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(onFailure(sequences.get(0), sequences.get(0), 1)));
        CliHarness.Result r =
                cli().run("replay-dlq", "--queue", "stream-failures", "--execute", "--yes", "--to", "processor");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("not moved to a queue");
        assertThat(invocations).isEmpty();
    }
}
