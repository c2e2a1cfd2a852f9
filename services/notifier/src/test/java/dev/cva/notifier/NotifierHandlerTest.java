package dev.cva.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.contracts.Contract;
import dev.cva.contracts.ContractValidator;
import dev.cva.contracts.Examples;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.contracts.webhook.Scheme;
import dev.cva.contracts.webhook.Verification;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.local.Child;
import dev.cva.local.LocalSqs;
import dev.cva.local.Moto;
import dev.cva.local.Tables;
import dev.cva.notifier.support.FaultyHttpClient;
import dev.cva.notifier.support.StreamEvents;
import dev.cva.notifier.support.WebhookReceiver;
import dev.cva.notifier.support.WebhookReceiver.Received;
import dev.cva.notifier.support.WebhookReceiver.Step;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The handler fed from moto's DynamoDB's real stream, posting to a real HTTP server that verifies both signature
 * schemes, dead-lettering into ElasticMQ.
 */
class NotifierHandlerTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final WebhookSecret SECRET = WebhookSecret.parse("whsec_Y3YtYW5hbHl0aWNzLWxvY2FsLWRldmVsb3BtZW50LW9ubHk=");
    static final AtomicInteger TABLES = new AtomicInteger();

    static LocalSqs localSqs;
    static DynamoDbClient dynamo;
    static DynamoDbStreamsClient streams;
    static SqsClient sqs;
    static WebhookReceiver receiver;
    static String dlqUrl;
    static HttpClient http;

    ByteArrayOutputStream logBytes;

    @BeforeAll
    static void start() throws Exception {
        localSqs = LocalSqs.start();
        dynamo = Moto.shared().dynamo();
        streams = Moto.shared().streams();
        sqs = localSqs.client();
        dlqUrl = sqs.createQueue(b -> b.queueName("cv-analytics-webhook-dlq")).queueUrl();
        receiver = new WebhookReceiver(SECRET);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        streams.close();
        dynamo.close();
        sqs.close();
        localSqs.close();
    }

    @BeforeEach
    void reset() {
        receiver.reset();
        sqs.purgeQueue(b -> b.queueUrl(dlqUrl));
        logBytes = new ByteArrayOutputStream();
    }

    @AfterEach
    void echoLog() {
        System.out.print(logBytes.toString(StandardCharsets.UTF_8));
    }

    // ---- helpers ----

    /** A clock that moves one second forward on every reading: each try must sign with its own timestamp. */
    static Clock ticking() {
        AtomicLong seconds = new AtomicLong(Instant.now().getEpochSecond());
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochSecond(seconds.getAndIncrement());
            }
        };
    }

    NotifierHandler handler(URI url, String dlq, Duration timeout, Clock clock) {
        NotifierConfig config = new NotifierConfig(
                url,
                SECRET,
                dlq,
                3,
                timeout,
                Duration.ofMillis(20),
                Duration.ofMillis(100),
                Duration.ofMillis(1500),
                "eu-west-2");
        return new NotifierHandler(
                config,
                http,
                sqs,
                clock,
                new JsonLog("notifier", new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    NotifierHandler handler(URI url, Duration timeout, int breakerFailures, Duration breakerDelay) {
        NotifierConfig config = new NotifierConfig(
                url,
                SECRET,
                dlqUrl,
                3,
                timeout,
                Duration.ofMillis(20),
                Duration.ofMillis(100),
                Duration.ofMillis(1500),
                "eu-west-2",
                breakerFailures,
                breakerDelay);
        return new NotifierHandler(
                config,
                http,
                sqs,
                ticking(),
                new JsonLog("notifier", new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    List<JsonNode> logLines() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : logBytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                lines.add(MAPPER.readTree(l));
            }
        }
        return lines;
    }

    long events(String event) throws Exception {
        return logLines().stream()
                .filter(l -> event.equals(l.path("event").asText()))
                .count();
    }

    NotifierHandler handler() {
        return handler(receiver.url(), dlqUrl, Duration.ofSeconds(2), ticking());
    }

    /** A fresh analytics table (stream NEW_IMAGE); {@code writes} run against it; returns the stream as a Lambda event. */
    static DynamodbEvent streamOf(java.util.function.Consumer<String> writes) {
        String table = "analytics-" + TABLES.incrementAndGet();
        Tables.createAnalytics(dynamo, table);
        writes.accept(table);
        String arn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        return StreamEvents.event(StreamEvents.json(StreamEvents.readAll(streams, arn), arn));
    }

    static ObjectNode record(String example) {
        try {
            ObjectNode n =
                    (ObjectNode) MAPPER.readTree(Examples.get(Contract.ANALYTICS_RECORD, Examples.Kind.VALID, example)
                            .bytes());
            n.put("requestId", UUID.randomUUID().toString());
            return n;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void put(String table, JsonNode record) {
        dynamo.putItem(b -> b.tableName(table).item(StreamEvents.item(record)));
    }

    static List<Message> deadLetters() {
        List<Message> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int wait = i == 0 ? 0 : 1;
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(dlqUrl)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(wait)
                            .messageAttributeNames("All"))
                    .messages();
            all.addAll(got);
            if (got.isEmpty() && i > 0) {
                break;
            }
        }
        return all;
    }

    static String attr(Message m, String name) {
        var v = m.messageAttributes().get(name);
        return v == null ? null : v.stringValue();
    }

    static List<String> failures(StreamsEventResponse r) {
        return r.getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    // ---- tests ----

    @Test
    void eachInsertIsPostedOnceSignedWithBothSchemesAndModifyAndRemoveAreIgnored() throws Exception {
        ObjectNode full = record("full");
        ObjectNode anonymous = record("anonymous");
        DynamodbEvent event = streamOf(table -> {
            put(table, full);
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(
                            "requestId",
                            AttributeValue.fromS(full.get("requestId").asText())))
                    .updateExpression("SET reasoning = :r")
                    .expressionAttributeValues(Map.of(":r", AttributeValue.fromS("edited"))));
            dynamo.deleteItem(b -> b.tableName(table)
                    .key(Map.of(
                            "requestId",
                            AttributeValue.fromS(full.get("requestId").asText()))));
            put(table, anonymous);
        });
        assertThat(event.getRecords())
                .extracting(DynamodbEvent.DynamodbStreamRecord::getEventName)
                .containsExactly("INSERT", "MODIFY", "REMOVE", "INSERT");

        long before = System.currentTimeMillis();
        StreamsEventResponse response = handler().handleRequest(event, null);

        assertThat(failures(response)).isEmpty();
        List<Received> got = receiver.received();
        assertThat(got).hasSize(2);
        ContractValidator validator = new ContractValidator();
        // the batch's webhooks are sent concurrently: match each by its record, not by arrival order
        assertThat(got)
                .extracting(r ->
                        MAPPER.readTree(r.body()).path("data").path("requestId").asText())
                .containsExactlyInAnyOrder(
                        full.get("requestId").asText(),
                        anonymous.get("requestId").asText());
        for (Received r : got) {
            JsonNode body = MAPPER.readTree(r.body());
            ObjectNode expected = body.path("data")
                            .path("requestId")
                            .asText()
                            .equals(full.get("requestId").asText())
                    ? full
                    : anonymous;
            assertThat(validator.validate(Contract.WEBHOOK_BODY, r.body())).isEmpty();
            assertThat(body.get("eventType").asText()).isEqualTo("analytics_record_created");
            assertThat(body.get("timestamp").asLong()).isBetween(before - 60_000, System.currentTimeMillis() + 60_000);
            assertThat(body.get("data")).isEqualTo(MAPPER.readTree(expected.toString()));
            assertThat(r.header("webhook-id"))
                    .isEqualTo("msg_" + expected.get("requestId").asText());
            assertThat(r.header("content-type")).isEqualTo("application/json");
            assertThat(r.headers()).as("plain HTTP/1.1, no h2c upgrade").doesNotContainKey("upgrade");
            assertThat(r.standard())
                    .isInstanceOfSatisfying(
                            Verification.Verified.class,
                            v -> assertThat(v.scheme()).isEqualTo(Scheme.STANDARD));
            assertThat(r.legacy())
                    .isInstanceOfSatisfying(
                            Verification.Verified.class,
                            v -> assertThat(v.scheme()).isEqualTo(Scheme.LEGACY));
        }
        assertThat(deadLetters()).isEmpty();
        assertThat(logBytes.toString(StandardCharsets.UTF_8))
                .doesNotContain(SECRET.reveal())
                .contains("webhook delivered");
    }

    @Test
    void theCheckedInFixtureDeliversItsOneInsert() throws Exception {
        String json = StreamEvents.fixture("events/dynamodb-stream-event.json").toString();
        StreamsEventResponse response = handler().handleRequest(StreamEvents.event(json), null);
        assertThat(failures(response)).isEmpty();
        assertThat(receiver.received()).hasSize(1);
        JsonNode expected = MAPPER.readTree(Examples.get(Contract.WEBHOOK_BODY, Examples.Kind.VALID, "full-match")
                        .bytes())
                .get("data");
        assertThat(MAPPER.readTree(receiver.received().get(0).body()).get("data"))
                .isEqualTo(expected);
    }

    @Test
    void serverErrorsAreRetriedWithTheSameIdAndBodyAndAFreshSignatureEachTry() {
        ObjectNode rec = record("full");
        DynamodbEvent event = streamOf(table -> put(table, rec));
        receiver.script(Step.status(500), Step.status(502));

        StreamsEventResponse response = handler().handleRequest(event, null);

        assertThat(failures(response)).isEmpty();
        List<Received> got = receiver.received();
        assertThat(got).hasSize(3);
        assertThat(got)
                .extracting(r -> r.header("webhook-id"))
                .containsOnly("msg_" + rec.get("requestId").asText());
        assertThat(got)
                .extracting(r -> new String(r.body(), StandardCharsets.UTF_8))
                .containsOnly(new String(got.get(0).body(), StandardCharsets.UTF_8));
        assertThat(got).extracting(r -> r.header("webhook-timestamp")).doesNotHaveDuplicates();
        assertThat(got).allSatisfy(r -> assertThat(r.standard().verified()).isTrue());
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        DynamodbEvent event = streamOf(table -> put(table, record("anonymous")));
        receiver.script(new Step(429, 0, "1"));

        StreamsEventResponse response = handler().handleRequest(event, null);

        assertThat(failures(response)).isEmpty();
        List<Received> got = receiver.received();
        assertThat(got).hasSize(2);
        assertThat(got.get(1).atMillis() - got.get(0).atMillis()).isGreaterThanOrEqualTo(950);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void timeoutsOnEveryTryPutTheExactBodyInTheDlqWithReasonAndAttempts() {
        ObjectNode rec = record("full");
        DynamodbEvent event = streamOf(table -> put(table, rec));
        receiver.script(new Step(200, 800, null), new Step(200, 800, null), new Step(200, 800, null));

        StreamsEventResponse response = handler(receiver.url(), dlqUrl, Duration.ofMillis(250), ticking())
                .handleRequest(event, null);

        assertThat(failures(response))
                .as("a webhook failure never blocks the stream")
                .isEmpty();
        assertThat(receiver.received()).hasSize(3);
        List<Message> dead = deadLetters();
        assertThat(dead).hasSize(1);
        Message m = dead.get(0);
        assertThat(m.body().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(receiver.received().get(0).body());
        assertThat(attr(m, "reason")).contains("timeout").contains("3 attempts");
        assertThat(attr(m, "attempts")).isEqualTo("3");
        assertThat(attr(m, "lastStatus")).isNull();
        assertThat(attr(m, "requestId")).isEqualTo(rec.get("requestId").asText());
    }

    @Test
    void refusedConnectionsEndInTheDlq() throws Exception {
        ObjectNode rec = record("anonymous");
        DynamodbEvent event = streamOf(table -> put(table, rec));
        int closedPort = Child.freePort();

        StreamsEventResponse response = handler(
                        URI.create("http://127.0.0.1:" + closedPort + "/webhook"),
                        dlqUrl,
                        Duration.ofSeconds(1),
                        ticking())
                .handleRequest(event, null);

        assertThat(failures(response)).isEmpty();
        List<Message> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(attr(dead.get(0), "reason")).isEqualTo("connection refused after 3 attempts");
        assertThat(attr(dead.get(0), "attempts")).isEqualTo("3");
        assertThat(MAPPER.readTree(dead.get(0).body())
                        .get("data")
                        .get("requestId")
                        .asText())
                .isEqualTo(rec.get("requestId").asText());
    }

    @Test
    void aClientErrorIsNotRetried() {
        ObjectNode rec = record("full");
        DynamodbEvent event = streamOf(table -> put(table, rec));
        receiver.script(Step.status(400));

        StreamsEventResponse response = handler().handleRequest(event, null);

        assertThat(failures(response)).isEmpty();
        assertThat(receiver.received()).hasSize(1);
        List<Message> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(attr(dead.get(0), "reason")).isEqualTo("HTTP 400 (not retried)");
        assertThat(attr(dead.get(0), "attempts")).isEqualTo("1");
        assertThat(attr(dead.get(0), "lastStatus")).isEqualTo("400");
    }

    @Test
    void whenEvenTheDlqFailsTheStreamRetriesFromThatRecord() {
        ObjectNode first = record("full");
        ObjectNode second = record("anonymous");
        DynamodbEvent event = streamOf(table -> {
            put(table, first);
            put(table, second);
        });
        receiver.script(Step.status(404), Step.status(404)); // both are sent at once: either may come first
        String missingQueue = localSqs.endpoint() + "/000000000000/no-such-queue";

        StreamsEventResponse response = handler(receiver.url(), missingQueue, Duration.ofSeconds(1), ticking())
                .handleRequest(event, null);

        assertThat(failures(response))
                .containsExactly(event.getRecords().get(0).getDynamodb().getSequenceNumber());
        // both were sent side by side; the stream retries from the first, and the receiver absorbs the repeat
        assertThat(receiver.received()).hasSize(2);
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("dead-letter queue unavailable");
    }

    @Test
    void aRecordThatBreaksTheContractIsDeadLetteredWithoutBeingSent() {
        ObjectNode bad = record("full").put("matchType", "maybe");
        DynamodbEvent event = streamOf(table -> put(table, bad));

        StreamsEventResponse response = handler().handleRequest(event, null);

        assertThat(failures(response)).isEmpty();
        assertThat(receiver.received()).isEmpty();
        List<Message> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(attr(dead.get(0), "reason")).isEqualTo("invalid record: [$.data.matchType]");
        assertThat(attr(dead.get(0), "attempts")).isEqualTo("0");
    }

    @Test
    void timeRunningOutLeavesTheRestForTheStreamToRetryButAlwaysMakesProgress() {
        DynamodbEvent event = streamOf(table -> {
            put(table, record("full"));
            put(table, record("anonymous"));
        });
        com.amazonaws.services.lambda.runtime.Context almostOutOfTime =
                (com.amazonaws.services.lambda.runtime.Context) java.lang.reflect.Proxy.newProxyInstance(
                        getClass().getClassLoader(),
                        new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                        (proxy, method, args) -> method.getName().equals("getRemainingTimeInMillis") ? 1000 : null);

        StreamsEventResponse response = handler().handleRequest(event, almostOutOfTime);

        assertThat(receiver.received())
                .as("the first record is always attempted")
                .hasSize(1);
        assertThat(failures(response))
                .containsExactly(event.getRecords().get(1).getDynamodb().getSequenceNumber());
    }

    // ---- per-record isolation: whatever one record's handling throws, the others go on ----

    NotifierHandler handler(HttpClient client, String dlq) {
        NotifierConfig config = new NotifierConfig(
                receiver.url(),
                SECRET,
                dlq,
                3,
                Duration.ofSeconds(2),
                Duration.ofMillis(20),
                Duration.ofMillis(100),
                Duration.ofMillis(1500),
                "eu-west-2");
        return new NotifierHandler(
                config,
                client,
                sqs,
                ticking(),
                new JsonLog("notifier", new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    /** The stream of three fresh records, the middle one's matchScore no number (as no DynamoDB would write it). */
    static DynamodbEvent withUnreadableMiddleImage(List<ObjectNode> recs) throws Exception {
        String table = "analytics-" + TABLES.incrementAndGet();
        Tables.createAnalytics(dynamo, table);
        recs.forEach(r -> put(table, r));
        String arn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        ObjectNode json = (ObjectNode) MAPPER.readTree(StreamEvents.json(StreamEvents.readAll(streams, arn), arn));
        ((ObjectNode) json.get("Records").get(1).get("dynamodb").get("NewImage").get("matchScore"))
                .put("N", "ninety-two");
        return StreamEvents.event(json.toString());
    }

    static List<String> ids(List<ObjectNode> recs) {
        return recs.stream().map(r -> r.get("requestId").asText()).toList();
    }

    static List<String> receivedIds() {
        return receiver.received().stream()
                .map(r -> {
                    try {
                        return MAPPER.readTree(r.body())
                                .path("data")
                                .path("requestId")
                                .asText();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .toList();
    }

    @Test
    void aRecordWhoseImageCannotBeReadIsDeadLetteredAloneAndTheOthersAreDelivered() throws Exception {
        List<ObjectNode> recs = List.of(record("full"), record("anonymous"), record("full"));
        DynamodbEvent event = withUnreadableMiddleImage(recs);

        StreamsEventResponse response = handler().handleRequest(event, null);

        assertThat(failures(response)).as("the batch goes on").isEmpty();
        assertThat(receivedIds())
                .containsExactlyInAnyOrder(ids(recs).get(0), ids(recs).get(2));
        List<Message> dead = deadLetters();
        assertThat(dead).hasSize(1);
        Message m = dead.get(0);
        assertThat(attr(m, "reason"))
                .isEqualTo("invalid record: unreadable NEW_IMAGE (java.lang.NumberFormatException)");
        assertThat(attr(m, "requestId")).isEqualTo(ids(recs).get(1));
        JsonNode body = MAPPER.readTree(m.body());
        assertThat(body.get("sequenceNumber").asText())
                .isEqualTo(event.getRecords().get(1).getDynamodb().getSequenceNumber());
        assertThat(body.at("/newImage/matchScore/N").asText())
                .as("the image kept as read")
                .isEqualTo("ninety-two");
        assertThat(body.at("/newImage/requestId/S").asText())
                .isEqualTo(ids(recs).get(1));
        assertThat(logBytes.toString(StandardCharsets.UTF_8))
                .contains("dead-lettered on its own")
                .doesNotContain(SECRET.reveal());
    }

    @Test
    void anErrorWhileSendingOneRecordDeadLettersItsExactBodyAndTheOthersAreDelivered() throws Exception {
        List<ObjectNode> recs = List.of(record("full"), record("anonymous"), record("full"), record("anonymous"));
        DynamodbEvent event = streamOf(table -> recs.forEach(r -> put(table, r)));
        String poisoned = "msg_" + ids(recs).get(2);
        HttpClient faulty = new FaultyHttpClient(
                http, id -> id.equals(poisoned) ? new NoClassDefFoundError("dev/cva/notifier/Missing") : null);

        StreamsEventResponse response = handler(faulty, dlqUrl).handleRequest(event, null);

        assertThat(failures(response)).isEmpty();
        assertThat(receivedIds())
                .containsExactlyInAnyOrder(
                        ids(recs).get(0), ids(recs).get(1), ids(recs).get(3));
        List<Message> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(attr(dead.get(0), "reason")).contains("NoClassDefFoundError");
        assertThat(attr(dead.get(0), "webhookId")).isEqualTo(poisoned);
        JsonNode body = MAPPER.readTree(dead.get(0).body());
        assertThat(new ContractValidator()
                        .validate(Contract.WEBHOOK_BODY, dead.get(0).body().getBytes(StandardCharsets.UTF_8)))
                .as("the exact webhook body: the redrive can send it once the bug is fixed")
                .isEmpty();
        assertThat(body.path("data").path("requestId").asText())
                .isEqualTo(ids(recs).get(2));
    }

    @Test
    void aJvmInTroubleFailsTheInvocationSoTheStreamRetriesTheBatch() {
        List<ObjectNode> recs = List.of(record("full"));
        DynamodbEvent event = streamOf(table -> recs.forEach(r -> put(table, r)));
        HttpClient faulty = new FaultyHttpClient(http, id -> new StackOverflowError());

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> handler(faulty, dlqUrl).handleRequest(event, null))
                .hasRootCauseInstanceOf(StackOverflowError.class);
        assertThat(deadLetters()).as("not swallowed as a dead letter").isEmpty();
    }

    @Test
    void whenAThrowingRecordCannotBeDeadLetteredTheStreamRetriesFromIt() throws Exception {
        List<ObjectNode> recs = List.of(record("full"), record("anonymous"), record("full"));
        DynamodbEvent event = withUnreadableMiddleImage(recs);
        String missingQueue = localSqs.endpoint() + "/000000000000/no-such-queue";

        StreamsEventResponse response = handler(receiver.url(), missingQueue, Duration.ofSeconds(1), ticking())
                .handleRequest(event, null);

        assertThat(failures(response))
                .containsExactly(event.getRecords().get(1).getDynamodb().getSequenceNumber());
        assertThat(receivedIds())
                .containsExactlyInAnyOrder(ids(recs).get(0), ids(recs).get(2));
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("dead-letter queue unavailable");
    }

    // ---- the circuit breaker ----

    @Test
    void aDeadReceiverOpensTheBreakerAndTheRestIsDeadLetteredAtOnceWithoutRetries() throws Exception {
        List<ObjectNode> recs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            recs.add(record(i % 2 == 0 ? "full" : "anonymous"));
        }
        DynamodbEvent event = streamOf(table -> recs.forEach(r -> put(table, r)));
        // every answer a 503, each after 100 ms: without the breaker 40 records x 3 tries
        Step[] down = new Step[200];
        java.util.Arrays.fill(down, new Step(503, 100, null));
        receiver.script(down);

        StreamsEventResponse response = handler(receiver.url(), Duration.ofSeconds(2), 5, Duration.ofMinutes(1))
                .handleRequest(event, null);

        assertThat(failures(response)).isEmpty();
        List<Message> dead = new ArrayList<>();
        for (int i = 0; i < 10 && dead.size() < 40; i++) {
            dead.addAll(deadLetters());
        }
        assertThat(dead).as("every record is dead-lettered, none lost").hasSize(40);
        assertThat(dead)
                .extracting(m ->
                        MAPPER.readTree(m.body()).path("data").path("requestId").asText())
                .containsExactlyInAnyOrderElementsOf(
                        recs.stream().map(r -> r.get("requestId").asText()).toList());
        long open = dead.stream()
                .filter(m -> "circuit_open".equals(attr(m, "reason")))
                .count();
        assertThat(open).as("most records skip their retries").isGreaterThanOrEqualTo(25);
        // the batch does not wait out every record's retries: counted in HTTP tries, not seconds
        assertThat(receiver.received().size())
                .as("HTTP tries: far fewer than 40 x 3")
                .isLessThan(40);
        assertThat(events("breaker_open")).as("one breaker_open line").isEqualTo(1);
        assertThat(events("breaker_closed")).isZero();
    }

    @Test
    void aProbeAfterTheDelayClosesTheBreakerAndDeliveryResumes() throws Exception {
        DynamodbEvent first = streamOf(table -> {
            for (int i = 0; i < 10; i++) {
                put(table, record("full"));
            }
        });
        Step[] down = new Step[30];
        java.util.Arrays.fill(down, Step.status(500));
        receiver.script(down);
        NotifierHandler handler = handler(receiver.url(), Duration.ofSeconds(2), 3, Duration.ofMillis(500));
        handler.handleRequest(first, null);
        // open at the end of the batch; on a slow machine the 500 ms delay can pass within the batch, and the probe
        // then fails and opens it again: once or more, never closed
        assertThat(events("breaker_open")).isPositive();
        assertThat(events("breaker_closed")).isZero();
        receiver.script(); // healthy again
        receiver.reset();

        List<ObjectNode> later = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            later.add(record("anonymous"));
        }
        DynamodbEvent second = streamOf(table -> later.forEach(r -> put(table, r)));
        // time is the subject here: the breaker (Failsafe, on the system clock) lets a probe through once its 500 ms
        // delay has passed; a sleep of more than that only ever makes it "more passed"
        Thread.sleep(600);
        sqs.purgeQueue(b -> b.queueUrl(dlqUrl));
        StreamsEventResponse response = handler.handleRequest(second, null);

        assertThat(failures(response)).isEmpty();
        assertThat(events("breaker_closed")).isEqualTo(1);
        // the probe's batch mates sent at the same moment may be dead-lettered as circuit_open; the rest is delivered
        List<Message> dead = deadLetters();
        assertThat(dead).allSatisfy(m -> assertThat(attr(m, "reason")).isEqualTo("circuit_open"));
        assertThat(receiver.received().size() + dead.size()).isEqualTo(10);
        assertThat(receiver.received()).as("the probe").isNotEmpty();

        // closed: the next batch is delivered in full
        receiver.reset();
        sqs.purgeQueue(b -> b.queueUrl(dlqUrl));
        DynamodbEvent third = streamOf(table -> {
            for (int i = 0; i < 5; i++) {
                put(table, record("full"));
            }
        });
        assertThat(failures(handler.handleRequest(third, null))).isEmpty();
        assertThat(receiver.received()).hasSize(5);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void requestTimeoutIsRetriedAndOtherClientErrorsArePermanent() {
        DynamodbEvent event = streamOf(table -> put(table, record("full")));
        receiver.script(Step.status(408));
        assertThat(failures(handler().handleRequest(event, null))).isEmpty();
        assertThat(receiver.received()).hasSize(2);
        assertThat(deadLetters()).isEmpty();

        receiver.reset();
        DynamodbEvent gone = streamOf(table -> put(table, record("full")));
        receiver.script(Step.status(422));
        assertThat(failures(handler().handleRequest(gone, null))).isEmpty();
        assertThat(receiver.received()).hasSize(1);
        List<Message> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(attr(dead.get(0), "reason")).isEqualTo("HTTP 422 (not retried)");
    }

    // ---- trace ids and log lines (issue 26) ----

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    static com.amazonaws.services.lambda.runtime.Context lambdaContext(String awsRequestId) {
        return (com.amazonaws.services.lambda.runtime.Context) java.lang.reflect.Proxy.newProxyInstance(
                NotifierHandlerTest.class.getClassLoader(),
                new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAwsRequestId" -> awsRequestId;
                    case "getRemainingTimeInMillis", "getMemoryLimitInMB" -> 900_000;
                    default -> null;
                });
    }

    @Test
    void eachTryOfATracedRecordSendsItsTraceparentAndAnOldRecordSendsNone() throws Exception {
        ObjectNode traced = record("full").put("traceId", TRACE);
        ObjectNode old = record("anonymous");
        DynamodbEvent event = streamOf(table -> {
            put(table, traced);
            put(table, old);
        });
        receiver.script(Step.status(503)); // one of them is tried twice

        assertThat(failures(handler().handleRequest(event, null))).isEmpty();

        List<Received> got = receiver.received();
        assertThat(got).hasSize(3);
        List<Received> ofTraced = got.stream()
                .filter(r -> ("msg_" + traced.get("requestId").asText()).equals(r.header("webhook-id")))
                .toList();
        assertThat(ofTraced)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.header("traceparent")).matches("00-" + TRACE + "-[0-9a-f]{16}-01"));
        assertThat(ofTraced).extracting(r -> r.header("traceparent")).doesNotHaveDuplicates(); // a new span per try
        // the trace travels in the header only: the body is the analytics record of the contract
        assertThat(ofTraced)
                .allSatisfy(
                        r -> assertThat(MAPPER.readTree(r.body()).path("data").has("traceId"))
                                .isFalse());
        assertThat(got)
                .filteredOn(r -> ("msg_" + old.get("requestId").asText()).equals(r.header("webhook-id")))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.header("traceparent")).isNull());
        assertThat(logLines())
                .filteredOn(l -> l.path("message").asText().equals("webhook delivered"))
                .extracting(l ->
                        l.path("requestId").asText() + " " + l.path("traceId").asText(""))
                .containsExactlyInAnyOrder(
                        traced.get("requestId").asText() + " " + TRACE,
                        old.get("requestId").asText() + " ");
    }

    @Test
    void aDeadLetteredRecordKeepsItsTraceId() {
        ObjectNode traced = record("full").put("traceId", TRACE);
        ObjectNode old = record("anonymous");
        DynamodbEvent event = streamOf(table -> {
            put(table, traced);
            put(table, old);
        });
        receiver.script(Step.status(400), Step.status(400));

        assertThat(failures(handler().handleRequest(event, null))).isEmpty();

        List<Message> dead = deadLetters();
        assertThat(dead).hasSize(2);
        assertThat(dead)
                .filteredOn(m -> traced.get("requestId").asText().equals(attr(m, "requestId")))
                .singleElement()
                .satisfies(m -> assertThat(attr(m, "traceId")).isEqualTo(TRACE));
        assertThat(dead)
                .filteredOn(m -> old.get("requestId").asText().equals(attr(m, "requestId")))
                .singleElement()
                .satisfies(m -> assertThat(attr(m, "traceId")).isNull());
    }

    /** The log-line contract: every line the handler writes for an invocation, with the ids of its records. */
    @Test
    void everyLineOfAnInvocationFollowsTheLogLineContractWithItsIds() throws Exception {
        ObjectNode delivered = record("full").put("traceId", TRACE);
        ObjectNode failing = record("anonymous").put("traceId", "5759e988bd862e3fe1be46a994272793");
        DynamodbEvent event = streamOf(table -> {
            put(table, delivered);
            put(table, failing);
        });
        // the first record sent gets 400 (dead-lettered), the other 200
        receiver.script(Step.status(400));
        String awsRequestId = "c6af9ac6-7b61-11e6-9a41-93e812345678";

        assertThat(failures(handler().handleRequest(event, lambdaContext(awsRequestId))))
                .isEmpty();

        List<JsonNode> lines = logLines();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        ContractValidator validator = new ContractValidator();
        Map<String, String> traceOf = Map.of(
                delivered.get("requestId").asText(),
                TRACE,
                failing.get("requestId").asText(),
                failing.get("traceId").asText());
        for (JsonNode line : lines) {
            assertThat(validator.validate(Contract.LOG_LINE, line))
                    .as(line.toString())
                    .isEmpty();
            assertThat(line.path("awsRequestId").asText()).as(line.toString()).isEqualTo(awsRequestId);
            assertThat(line.path("service").asText()).isEqualTo("notifier");
        }
        assertThat(lines)
                .filteredOn(l -> l.has("requestId"))
                .extracting(l -> l.path("message").asText())
                .containsExactlyInAnyOrder("webhook delivered", "webhook failed; dead-lettered");
        assertThat(lines)
                .filteredOn(l -> l.has("requestId"))
                .allSatisfy(l -> assertThat(l.path("traceId").asText())
                        .isEqualTo(traceOf.get(l.path("requestId").asText())));
    }
}
