package dev.cva.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.contracts.Contract;
import dev.cva.contracts.ContractValidator;
import dev.cva.contracts.Examples;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.local.LocalAws;
import dev.cva.local.LocalIam;
import dev.cva.local.Moto;
import dev.cva.local.ServicePolicies;
import dev.cva.local.Tables;
import dev.cva.processor.support.Bodies;
import dev.cva.processor.support.SqsEvents;
import dev.cva.processor.support.SqsEvents.Msg;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/** The handler against moto's DynamoDB over HTTP, with events shaped as Lambda delivers them. */
class ProcessorHandlerTest {
    /** Unique per run: one moto server serves every test class of the JVM. */
    static final String QUERY_EVENTS =
            "cv-analytics-query-events-" + UUID.randomUUID().toString().substring(0, 8);

    static final String ANALYTICS =
            "cv-analytics-analytics-" + UUID.randomUUID().toString().substring(0, 8);
    /** When the events happened (week 2026-W47). */
    static final Instant NOW = Instant.parse("2026-11-18T10:00:00Z");
    /** The handler's clock: the real time, so parked halves' TTLs lie in the future as in production. */
    static final Instant CLOCK = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final ContractValidator VALIDATOR = new ContractValidator();

    static Moto local;
    /** The administrator's client: tables, seeding and checks. */
    static DynamoDbClient dynamo;
    /** The handler's client: the processor's execution role with its policy from infra/policies, as in AWS. */
    static DynamoDbClient asProcessor;

    static LocalIam.Keys processorRole;
    static volatile String throttledRequestId = "00000000-no-throttle";
    /** When set, runs once just before the next PutItem: another invocation winning a race. */
    static volatile Runnable beforeNextTransaction;
    /** How many PutItem calls to let through before {@link #beforeNextTransaction} runs. */
    static volatile int transactionsToSkip;

    ByteArrayOutputStream logBytes;
    ProcessorHandler handler;

    @BeforeAll
    static void startDynamo() {
        local = Moto.shared();
        dynamo = local.dynamo();
        Tables.createQueryEvents(dynamo, QUERY_EVENTS);
        Tables.createAnalytics(dynamo, ANALYTICS);
        String region = LocalAws.DEFAULT_REGION.id();
        processorRole = local.roleFor(
                "processor",
                Map.of(
                        "queue_arn",
                        ServicePolicies.Arns.queue(region, "cv-analytics-queue.fifo"),
                        "query_events_table_arn",
                        ServicePolicies.Arns.table(region, "cv-analytics-query-events*"),
                        "analytics_table_arn",
                        ServicePolicies.Arns.table(region, "cv-analytics-analytics*")));
        asProcessor = local.dynamoAs(processorRole, new ExecutionInterceptor() {
            // fault injection on the real client: DynamoDB answering "throttled" for one requestId
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof software.amazon.awssdk.services.dynamodb.model.PutItemRequest) {
                    Runnable race = beforeNextTransaction;
                    if (race != null && transactionsToSkip-- <= 0) {
                        beforeNextTransaction = null;
                        race.run();
                    }
                }
                if (context.request().toString().contains(throttledRequestId)) {
                    throw ProvisionedThroughputExceededException.builder()
                            .message("Rate of requests exceeds the allowed throughput")
                            .build();
                }
            }
        });
    }

    @AfterAll
    static void stopDynamo() {
        dynamo.deleteTable(b -> b.tableName(QUERY_EVENTS));
        dynamo.deleteTable(b -> b.tableName(ANALYTICS));
        dynamo.close();
        asProcessor.close();
    }

    @BeforeEach
    void newHandler() {
        logBytes = new ByteArrayOutputStream();
        handler = handlerAt(CLOCK);
    }

    /** A handler whose clock reads {@code now}, logging into {@link #logBytes}. */
    ProcessorHandler handlerAt(Instant now) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        return new ProcessorHandler(
                asProcessor,
                new ProcessorConfig(QUERY_EVENTS, ANALYTICS, "eu-west-2", ProcessorConfig.DEFAULT_INTERIM_TTL),
                clock,
                new JsonLog("processor", new PrintStream(logBytes, true, StandardCharsets.UTF_8), clock));
    }

    @org.junit.jupiter.api.AfterEach
    void echoLog() {
        System.out.print(logBytes.toString(StandardCharsets.UTF_8)); // into the surefire report
    }

    // ---- helpers ----

    static String id() {
        return UUID.randomUUID().toString();
    }

    static Msg msg(ObjectNode body) {
        String requestId = body.path("requestId").asText("none");
        return Msg.of(
                id(),
                body.toString(),
                requestId,
                requestId + "-" + body.path("eventType").asText());
    }

    List<String> send(Msg... messages) {
        return send(handler, messages);
    }

    static List<String> send(ProcessorHandler handler, Msg... messages) {
        SQSBatchResponse r = handler.handleRequest(SqsEvents.event(List.of(messages)), null);
        return r.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    static Map<String, AttributeValue> record(String requestId) {
        var r = dynamo.getItem(b -> b.tableName(ANALYTICS)
                .key(Map.of("requestId", AttributeValue.fromS(requestId)))
                .consistentRead(true));
        return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
    }

    static Map<String, AttributeValue> interim(String requestId) {
        var r = dynamo.getItem(b -> b.tableName(QUERY_EVENTS)
                .key(Map.of("requestId", AttributeValue.fromS(requestId)))
                .consistentRead(true));
        return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
    }

    static int recordCount(String requestId) {
        return dynamo.query(b -> b.tableName(ANALYTICS)
                        .keyConditionExpression("requestId = :r")
                        .expressionAttributeValues(Map.of(":r", AttributeValue.fromS(requestId)))
                        .consistentRead(true))
                .count();
    }

    /** The stored item back as the contract's JSON (numbers, nested performance). */
    static JsonNode asJson(Map<String, AttributeValue> item) {
        ObjectNode n = MAPPER.createObjectNode();
        item.forEach((k, v) -> n.set(k, toJson(v)));
        return n;
    }

    static JsonNode toJson(AttributeValue v) {
        if (v.s() != null) return MAPPER.getNodeFactory().textNode(v.s());
        if (v.n() != null)
            return v.n().contains(".")
                    ? MAPPER.getNodeFactory().numberNode(new java.math.BigDecimal(v.n()))
                    : MAPPER.getNodeFactory().numberNode(Long.parseLong(v.n()));
        if (v.bool() != null) return MAPPER.getNodeFactory().booleanNode(v.bool());
        if (v.hasM()) {
            ObjectNode o = MAPPER.createObjectNode();
            v.m().forEach((k, x) -> o.set(k, toJson(x)));
            return o;
        }
        throw new IllegalArgumentException("unexpected attribute " + v);
    }

    List<JsonNode> logLines() {
        return logBytes.toString(StandardCharsets.UTF_8)
                .lines()
                .map(l -> {
                    try {
                        return MAPPER.readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError("log line is not JSON: " + l);
                    }
                })
                .toList();
    }

    // ---- tests ----

    @Test
    void queryThenResponseWritesOneValidRecordAndRemovesTheInterimRow() {
        String r = id();
        long t = NOW.toEpochMilli() - 60_000;
        assertThat(send(msg(Bodies.query(r, t)))).isEmpty();
        assertThat(interim(r)).containsKey("queryEvent").doesNotContainKey("responseEvent");
        assertThat(record(r)).isNull();

        assertThat(send(msg(Bodies.response(r, t + 2350)))).isEmpty();
        Map<String, AttributeValue> item = record(r);
        assertThat(item).isNotNull();
        assertThat(interim(r)).isNull();

        JsonNode json = asJson(item);
        assertThat(new ContractValidator().validate(Contract.ANALYTICS_RECORD, json))
                .isEmpty();
        assertThat(json.get("week").asText()).isEqualTo("2026-W47");
        assertThat(json.get("timestamp").asLong()).isEqualTo(t);
        assertThat(json.get("responseTimestamp").asLong()).isEqualTo(t + 2350);
        assertThat(json.get("latencyMs").asLong()).isEqualTo(2350);
        assertThat(json.get("sessionId").asText()).isEqualTo("sess-7f3a");
        assertThat(json.get("matchType").asText()).isEqualTo("full");
        assertThat(json.get("performance").get("cacheHit").asBoolean()).isFalse();
        assertThat(json.get("performance").get("llmTime").asInt()).isEqualTo(1900);
        // GSI keys: week + timestamp are top-level attributes of the right types
        assertThat(item.get("week").s()).isEqualTo("2026-W47");
        assertThat(item.get("timestamp").n()).isEqualTo(Long.toString(t));
        var byWeek = dynamo.query(b -> b.tableName(ANALYTICS)
                .indexName("week-index")
                .keyConditionExpression("week = :w AND #ts = :t")
                .expressionAttributeNames(Map.of("#ts", "timestamp"))
                .expressionAttributeValues(
                        Map.of(":w", AttributeValue.fromS("2026-W47"), ":t", AttributeValue.fromN(Long.toString(t)))));
        assertThat(byWeek.items()).extracting(i -> i.get("requestId").s()).contains(r);
    }

    @Test
    void responseFirstIsParkedWithA15DayTtlAndCompletedByItsQuery() {
        String r = id();
        ObjectNode query = Bodies.example(Contract.QUERY_EVENT, Examples.Kind.VALID, "minimal")
                .put("requestId", r);
        ObjectNode response = Bodies.example(Contract.RESPONSE_EVENT, Examples.Kind.VALID, "minimal")
                .put("requestId", r);

        assertThat(send(msg(response))).isEmpty();
        Map<String, AttributeValue> parked = interim(r);
        assertThat(parked).containsKey("responseEvent").doesNotContainKey("queryEvent");
        assertThat(Long.parseLong(parked.get("ttl").n()))
                .isEqualTo(CLOCK.plus(java.time.Duration.ofDays(15)).getEpochSecond());
        assertThat(record(r)).isNull();

        assertThat(send(msg(query))).isEmpty();
        JsonNode json = asJson(record(r));
        assertThat(new ContractValidator().validate(Contract.ANALYTICS_RECORD, json))
                .isEmpty();
        assertThat(json.get("sessionId").asText()).isEqualTo("anonymous");
        assertThat(json.has("performance")).isFalse();
        assertThat(json.get("latencyMs").asLong()).isEqualTo(900);
        assertThat(interim(r)).isNull();
        assertThat(logLines())
                .extracting(l -> l.get("message").asText())
                .containsExactly("event parked", "record completed");
    }

    @Test
    void duplicatesAndRedeliveryAfterCompletionNeverWriteASecondRecordOrChangeTheFirst() {
        String r = id();
        long t = NOW.toEpochMilli() - 5_000;
        Msg q = msg(Bodies.query(r, t));
        Msg qAgain = msg(Bodies.query(r, t));
        // a duplicate query before the response: the first parked half is kept
        assertThat(send(q, qAgain)).isEmpty();
        assertThat(interim(r)).containsKey("queryEvent");
        // a conflicting duplicate (same requestId, other text) does not replace the parked half
        assertThat(send(msg(Bodies.query(r, t).put("query", "something else")))).isEmpty();

        Msg resp = msg(Bodies.response(r, t + 100));
        assertThat(send(resp, msg(Bodies.response(r, t + 100)))).isEmpty();
        Map<String, AttributeValue> first = record(r);
        assertThat(first.get("query").s()).isEqualTo("Has Dan worked with Kubernetes in production?");
        assertThat(first.get("latencyMs").n()).isEqualTo("100");

        // both halves redelivered after completion, in either order, and a late response with other content
        assertThat(send(resp, q)).isEmpty();
        assertThat(send(q)).isEmpty();
        assertThat(send(msg(Bodies.response(r, t + 999).put("matchType", "none"))))
                .isEmpty();

        assertThat(recordCount(r)).isEqualTo(1);
        assertThat(record(r)).isEqualTo(first);
        assertThat(interim(r))
                .as("the last lone redelivery found its parked partner and tidied it")
                .isNull();
    }

    /** Each body as its own invocation, all released at once on 8 threads; none may report a failure. */
    void sendAllAtOnce(List<ObjectNode> bodies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> futures = new ArrayList<>();
            for (ObjectNode body : bodies) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return send(msg(body));
                }));
            }
            go.countDown();
            for (Future<List<String>> f : futures) {
                assertThat(f.get()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentHalvesOfManyRequestsEachMakeExactlyOneRecord() throws Exception {
        int pairs = 40;
        List<String> ids = new ArrayList<>();
        List<ObjectNode> bodies = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            String r = id();
            ids.add(r);
            long t = NOW.toEpochMilli() - 1000 - i;
            // each half twice, all four racing on separate "invocations"
            bodies.addAll(List.of(
                    Bodies.query(r, t), Bodies.response(r, t + 10), Bodies.query(r, t), Bodies.response(r, t + 10)));
        }
        sendAllAtOnce(bodies);
        for (String r : ids) {
            assertThat(recordCount(r)).as(r).isEqualTo(1);
            assertThat(record(r).get("latencyMs").n()).isEqualTo("10");
            // a duplicate that arrives after completion parks again (no transaction checks the record): such a row
            // holds a single half and expires with its TTL; it can never make a second record
            Map<String, AttributeValue> left = interim(r);
            if (left != null) {
                assertThat(left.keySet())
                        .as(r)
                        .containsOnlyOnce("requestId", "ttl")
                        .hasSize(3);
                assertThat(Long.parseLong(left.get("ttl").n()))
                        .isEqualTo(CLOCK.plus(java.time.Duration.ofDays(15)).getEpochSecond());
            }
        }
    }

    @Test
    void aMixedBatchFailsExactlyTheBadMessagesAndLogsWhyWithoutTheBody() {
        String r = id();
        long t = NOW.toEpochMilli();
        Msg goodQuery = msg(Bodies.query(r, t));
        Msg badJson = Msg.of("bad-json-1", "{\"eventType\":\"query\", secret-body-text", "g1", "d1");
        ObjectNode violating = Bodies.example(Contract.RESPONSE_EVENT, Examples.Kind.INVALID, "score-over-100");
        Msg schemaViolation = Msg.of("schema-1", violating.toString(), "g2", "d2");
        Msg unknownType = Msg.of("unknown-1", "{\"eventType\":\"click\",\"requestId\":\"" + id() + "\"}", "g3", "d3");
        Msg goodResponse = msg(Bodies.response(r, t + 5));

        List<String> failures = send(goodQuery, badJson, schemaViolation, unknownType, goodResponse);

        assertThat(failures).containsExactly("bad-json-1", "schema-1", "unknown-1");
        assertThat(recordCount(r)).isEqualTo(1);
        List<JsonNode> rejected = logLines().stream()
                .filter(l -> l.get("message").asText().equals("event rejected"))
                .toList();
        assertThat(rejected).hasSize(3);
        assertThat(rejected)
                .extracting(l -> l.get("messageId").asText())
                .containsExactly("bad-json-1", "schema-1", "unknown-1");
        assertThat(rejected.get(0).get("reason").asText()).isEqualTo("malformed JSON");
        assertThat(rejected.get(1).get("reason").asText()).contains("schema violation");
        assertThat(rejected.get(1).get("paths").toString()).contains("$.matchScore");
        assertThat(rejected.get(2).get("reason").asText()).isEqualTo("unknown eventType");
        String allLogs = logBytes.toString(StandardCharsets.UTF_8);
        assertThat(allLogs)
                .doesNotContain("secret-body-text")
                .doesNotContain(violating.get("reasoning").asText());
    }

    @Test
    void aThrottledDynamoDbCallFailsOnlyItsOwnMessage() {
        String ok = id();
        String throttled = id();
        throttledRequestId = throttled;
        try {
            Msg hit = msg(Bodies.query(throttled, NOW.toEpochMilli()));
            List<String> failures = send(
                    msg(Bodies.query(ok, NOW.toEpochMilli())), hit, msg(Bodies.response(ok, NOW.toEpochMilli() + 1)));
            assertThat(failures).containsExactly(hit.messageId());
            assertThat(recordCount(ok)).isEqualTo(1);
            assertThat(logLines()).anySatisfy(l -> {
                assertThat(l.get("severity").asText()).isEqualTo("ERROR");
                assertThat(l.get("requestId").asText()).isEqualTo(throttled);
                assertThat(l.get("code").asText()).isEqualTo("ProvisionedThroughputExceededException");
            });
        } finally {
            throttledRequestId = "00000000-no-throttle";
        }
        // once DynamoDB recovers, the redelivered message is processed normally
        assertThat(send(msg(Bodies.query(throttled, NOW.toEpochMilli())))).isEmpty();
        assertThat(interim(throttled)).containsKey("queryEvent");
    }

    @Test
    void theRuntimeConstructorFindsDynamoDbThroughTheSdksStandardEndpointSetting() {
        // aws.endpointUrlDynamoDb is the system-property twin of AWS_ENDPOINT_URL_DYNAMODB, which the local stack sets
        // and the standard credential chain's system properties carry the processor role's session, as Lambda's do
        Map<String, String> props = Map.of(
                "aws.endpointUrlDynamoDb",
                local.endpoint().toString(),
                "aws.accessKeyId",
                processorRole.accessKeyId(),
                "aws.secretAccessKey",
                processorRole.secretAccessKey(),
                "aws.sessionToken",
                processorRole.sessionToken());
        // the runtime constructor uses the built-in table names (no table variables are set here)
        String queryEvents = ProcessorConfig.DEFAULT_QUERY_EVENTS_TABLE;
        String analytics = ProcessorConfig.DEFAULT_ANALYTICS_TABLE;
        Tables.createQueryEvents(dynamo, queryEvents);
        Tables.createAnalytics(dynamo, analytics);
        props.forEach(System::setProperty);
        try {
            ProcessorHandler fromEnv = new ProcessorHandler();
            String r = id();
            var event = SqsEvents.event(
                    List.of(msg(Bodies.query(r, NOW.toEpochMilli())), msg(Bodies.response(r, NOW.toEpochMilli() + 3))));
            assertThat(fromEnv.handleRequest(event, null).getBatchItemFailures())
                    .isEmpty();
            assertThat(dynamo.getItem(b -> b.tableName(analytics).key(Map.of("requestId", AttributeValue.fromS(r))))
                            .item())
                    .containsEntry("latencyMs", AttributeValue.fromN("3"));
        } finally {
            props.keySet().forEach(System::clearProperty);
            dynamo.deleteTable(b -> b.tableName(queryEvents));
            dynamo.deleteTable(b -> b.tableName(analytics));
        }
    }

    @Test
    void theOtherHalfLandingJustBeforeOurParkBlocksItAndIsCompleted() {
        String r = id();
        long t = NOW.toEpochMilli();
        // a concurrent invocation parks the query just before our park of the response runs
        transactionsToSkip = 0;
        String parkedQuery = Bodies.query(r, t).toString();
        beforeNextTransaction = () -> dynamo.putItem(b -> b.tableName(QUERY_EVENTS)
                .item(Map.of(
                        "requestId",
                        AttributeValue.fromS(r),
                        "queryEvent",
                        AttributeValue.fromS(parkedQuery),
                        "ttl",
                        AttributeValue.fromN(Long.toString(CLOCK.getEpochSecond() + 3600)))));

        assertThat(send(msg(Bodies.response(r, t + 42)))).isEmpty();

        assertThat(beforeNextTransaction).isNull();
        assertThat(recordCount(r)).isEqualTo(1);
        assertThat(record(r).get("latencyMs").n()).isEqualTo("42");
        assertThat(interim(r)).isNull();
        assertThat(logLines()).extracting(l -> l.get("message").asText()).containsExactly("record completed");
    }

    @Test
    void aRecordWrittenJustBeforeOurCompletionMakesItADuplicate() {
        String r = id();
        long t = NOW.toEpochMilli();
        assertThat(send(msg(Bodies.query(r, t)))).isEmpty();
        // our response reads the parked query; a twin response then completes the record just before our
        // completing write runs
        transactionsToSkip = 0;
        beforeNextTransaction = () -> {
            dynamo.putItem(p -> p.tableName(ANALYTICS)
                    .item(Map.of(
                            "requestId",
                            AttributeValue.fromS(r),
                            "query",
                            AttributeValue.fromS("won the race"),
                            "week",
                            AttributeValue.fromS("2026-W47"),
                            "timestamp",
                            AttributeValue.fromN(Long.toString(t)))));
            dynamo.deleteItem(d -> d.tableName(QUERY_EVENTS).key(Map.of("requestId", AttributeValue.fromS(r))));
        };

        assertThat(send(msg(Bodies.response(r, t + 1)))).isEmpty();

        assertThat(recordCount(r)).isEqualTo(1);
        assertThat(record(r).get("query").s()).as("the first record is kept").isEqualTo("won the race");
        assertThat(interim(r)).isNull();
        assertThat(logLines())
                .extracting(l -> l.get("reason") == null ? "" : l.get("reason").asText())
                .contains("record already exists");
    }

    // ---- late halves: the partner's row past its TTL (moto, like DynamoDB for days, has not deleted it) ----

    /** A TTL that passed a day before {@link #CLOCK}: parked 16 days before it. */
    static final Instant PARKED_16_DAYS_AGO = CLOCK.minus(java.time.Duration.ofDays(16));

    @Test
    void aLateQueryCompletesTheRecordWithAResponseRowPastItsTtl() {
        String r = id();
        long t = NOW.toEpochMilli();
        assertThat(send(handlerAt(PARKED_16_DAYS_AGO), msg(Bodies.response(r, t + 77))))
                .isEmpty();
        long ttl = Long.parseLong(interim(r).get("ttl").n());
        assertThat(ttl).isEqualTo(CLOCK.minus(java.time.Duration.ofDays(1)).getEpochSecond());

        assertThat(send(msg(Bodies.query(r, t)))).isEmpty(); // replayed from the DLQ, a day after that TTL

        assertThat(recordCount(r)).isEqualTo(1);
        JsonNode json = asJson(record(r));
        assertThat(new ContractValidator().validate(Contract.ANALYTICS_RECORD, json))
                .isEmpty();
        assertThat(json.get("latencyMs").asLong()).isEqualTo(77);
        assertThat(json.get("query").asText()).isEqualTo("Has Dan worked with Kubernetes in production?");
        assertThat(interim(r)).isNull();
        assertExpiryCounted(r, "query", 86_400, "completed");
    }

    @Test
    void aLateResponseCompletesTheRecordWithAQueryRowPastItsTtl() {
        String r = id();
        long t = NOW.toEpochMilli();
        assertThat(send(handlerAt(PARKED_16_DAYS_AGO), msg(Bodies.query(r, t)))).isEmpty();

        assertThat(send(msg(Bodies.response(r, t + 1234)))).isEmpty();

        assertThat(recordCount(r)).isEqualTo(1);
        JsonNode json = asJson(record(r));
        assertThat(new ContractValidator().validate(Contract.ANALYTICS_RECORD, json))
                .isEmpty();
        assertThat(json.get("latencyMs").asLong()).isEqualTo(1234);
        assertThat(interim(r)).isNull();
        assertExpiryCounted(r, "response", 86_400, "completed");
    }

    @Test
    void aHalfWhosePartnersRowTtlAlreadyDeletedParksAgain() {
        String r = id();
        long t = NOW.toEpochMilli();
        assertThat(send(handlerAt(PARKED_16_DAYS_AGO), msg(Bodies.response(r, t + 5))))
                .isEmpty();
        // DynamoDB's TTL sweep: the expired row is gone, and its response with it
        dynamo.deleteItem(d -> d.tableName(QUERY_EVENTS).key(Map.of("requestId", AttributeValue.fromS(r))));

        assertThat(send(msg(Bodies.query(r, t)))).isEmpty();

        assertThat(record(r)).isNull();
        Map<String, AttributeValue> parked = interim(r);
        assertThat(parked).containsKey("queryEvent").doesNotContainKey("responseEvent");
        assertThat(Long.parseLong(parked.get("ttl").n()))
                .isEqualTo(CLOCK.plus(java.time.Duration.ofDays(15)).getEpochSecond());
        assertThat(logLines()).noneMatch(l -> l.has("event"));
        // a second replay of the response now completes it
        assertThat(send(msg(Bodies.response(r, t + 5)))).isEmpty();
        assertThat(recordCount(r)).isEqualTo(1);
        assertThat(interim(r)).isNull();
    }

    @Test
    void theSameHalfPastItsTtlIsParkedAgainWithoutReplacingTheFirstCopy() {
        String r = id();
        long t = NOW.toEpochMilli();
        assertThat(send(handlerAt(PARKED_16_DAYS_AGO), msg(Bodies.query(r, t)))).isEmpty();
        String first = interim(r).get("queryEvent").s();

        assertThat(send(msg(Bodies.query(r, t).put("query", "a different copy"))))
                .isEmpty();

        Map<String, AttributeValue> row = interim(r);
        assertThat(row.get("queryEvent").s()).isEqualTo(first);
        assertThat(row).doesNotContainKey("responseEvent");
        assertThat(Long.parseLong(row.get("ttl").n()))
                .isEqualTo(CLOCK.plus(java.time.Duration.ofDays(15)).getEpochSecond());
        assertExpiryCounted(r, "query", 86_400, "reparked");
    }

    @Test
    void aPartnerLandingInTheExpiredRowJustBeforeOurReparkIsNeverOverwritten() {
        String r = id();
        long t = NOW.toEpochMilli();
        assertThat(send(handlerAt(PARKED_16_DAYS_AGO), msg(Bodies.query(r, t)))).isEmpty();
        Map<String, AttributeValue> expired = interim(r);
        // our redelivered query finds its own expired copy; just before its conditional re-park (the second PutItem,
        // after the blocked park) the row gains the response: the re-park must fail and complete the record instead
        String response = Bodies.response(r, t + 300).toString();
        transactionsToSkip = 1;
        beforeNextTransaction = () -> dynamo.putItem(b -> b.tableName(QUERY_EVENTS)
                .item(Map.of(
                        "requestId",
                        AttributeValue.fromS(r),
                        "queryEvent",
                        expired.get("queryEvent"),
                        "responseEvent",
                        AttributeValue.fromS(response),
                        "ttl",
                        expired.get("ttl"))));

        assertThat(send(msg(Bodies.query(r, t)))).isEmpty();

        assertThat(beforeNextTransaction).isNull();
        assertThat(recordCount(r)).isEqualTo(1);
        assertThat(record(r).get("latencyMs").n()).isEqualTo("300");
        assertThat(interim(r)).isNull();
        assertExpiryCounted(r, "query", 86_400, "completed");
    }

    @Test
    void twoLateHalvesRacingOnAnExpiredRowMakeExactlyOneRecord() throws Exception {
        // the expired row holds the query; its own redelivery and the late response race on many requests at once
        int pairs = 20;
        List<String> ids = new ArrayList<>();
        ProcessorHandler early = handlerAt(PARKED_16_DAYS_AGO);
        for (int i = 0; i < pairs; i++) {
            String r = id();
            ids.add(r);
            assertThat(send(early, msg(Bodies.query(r, NOW.toEpochMilli() - i))))
                    .isEmpty();
        }
        List<ObjectNode> bodies = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            long t = NOW.toEpochMilli() - i;
            bodies.addAll(List.of(Bodies.query(ids.get(i), t), Bodies.response(ids.get(i), t + 10)));
        }
        sendAllAtOnce(bodies);
        for (String r : ids) {
            assertThat(recordCount(r)).as(r).isEqualTo(1);
            assertThat(record(r).get("latencyMs").n()).as(r).isEqualTo("10");
            // the query's re-park can follow the completion: a lone stray query, never a half of an unfinished pair
            Map<String, AttributeValue> left = interim(r);
            if (left != null) {
                assertThat(left).containsKey("queryEvent").doesNotContainKey("responseEvent");
            }
        }
    }

    /** One interim_expired line for {@code requestId}, which is also a valid CloudWatch EMF record. */
    void assertExpiryCounted(String requestId, String eventType, long lateSeconds, String outcome) {
        List<JsonNode> lines = logLines().stream()
                .filter(l -> "interim_expired".equals(l.path("event").asText()))
                .toList();
        assertThat(lines).hasSize(1);
        JsonNode l = lines.get(0);
        assertThat(l.get("requestId").asText()).isEqualTo(requestId);
        assertThat(l.get("eventType").asText()).isEqualTo(eventType);
        assertThat(l.get("lateSeconds").asLong()).isEqualTo(lateSeconds);
        assertThat(l.get("outcome").asText()).isEqualTo(outcome);
        assertThat(l.get("severity").asText()).isEqualTo("WARNING");
        // EMF: the metric values at the top level, named by _aws.CloudWatchMetrics, dimensions present as strings
        JsonNode directive = l.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(l.get("_aws").get("Timestamp").asLong()).isEqualTo(CLOCK.toEpochMilli());
        assertThat(directive.get("Namespace").asText()).isEqualTo("CvAnalytics");
        assertThat(directive.get("Dimensions").get(0).get(0).asText()).isEqualTo("service");
        assertThat(l.get("service").asText()).isEqualTo("processor");
        assertThat(directive.get("Metrics").findValuesAsText("Name"))
                .containsExactly("InterimExpired", "InterimLateSeconds");
        assertThat(l.get("InterimExpired").asInt()).isEqualTo(1);
        assertThat(l.get("InterimLateSeconds").asLong()).isEqualTo(lateSeconds);
        String raw = logBytes.toString(StandardCharsets.UTF_8);
        assertThat(raw.lines().filter(x -> x.contains("interim_expired"))).hasSize(1); // one line, not a block
    }

    // ---- trace ids and log lines (issue 26) ----

    static final String TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String TRACE_B = "5759e988bd862e3fe1be46a994272793";

    /** A Lambda context as the runtime hands it over, with this AWS request id. */
    static com.amazonaws.services.lambda.runtime.Context lambdaContext(String awsRequestId) {
        return (com.amazonaws.services.lambda.runtime.Context) java.lang.reflect.Proxy.newProxyInstance(
                ProcessorHandlerTest.class.getClassLoader(),
                new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAwsRequestId" -> awsRequestId;
                    case "getRemainingTimeInMillis", "getMemoryLimitInMB" -> 900_000;
                    default -> null;
                });
    }

    @Test
    void theTraceparentAttributeOfTheQueryIsStoredOnTheParkedRowAndTheRecord() {
        String r = id();
        long t = NOW.toEpochMilli() - 60_000;
        assertThat(send(msg(Bodies.query(r, t)).withAttribute("traceparent", "00-" + TRACE_A + "-00f067aa0ba902b7-01")))
                .isEmpty();
        assertThat(interim(r).get("traceId").s()).isEqualTo(TRACE_A);
        // the response carries another trace: the record keeps the query's
        assertThat(send(msg(Bodies.response(r, t + 900))
                        .withAttribute("traceparent", "00-" + TRACE_B + "-00f067aa0ba902b7-01")))
                .isEmpty();
        assertThat(record(r).get("traceId").s()).isEqualTo(TRACE_A);
        assertThat(VALIDATOR.validate(Contract.ANALYTICS_RECORD_WRITER, asJson(record(r))))
                .isEmpty();
        assertThat(logLines())
                .filteredOn(l -> l.path("message").asText().equals("record completed"))
                .singleElement()
                .satisfies(l -> assertThat(l.path("traceId").asText()).isEqualTo(TRACE_A));
    }

    @Test
    void withoutATraceparentTheXRayTraceHeaderGivesTheTraceId() {
        String r = id();
        long t = NOW.toEpochMilli() - 60_000;
        assertThat(send(
                        msg(Bodies.query(r, t))
                                .withSystem(
                                        "AWSTraceHeader",
                                        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
                        msg(Bodies.response(r, t + 900))))
                .isEmpty();
        assertThat(record(r).get("traceId").s()).isEqualTo(TRACE_B);
    }

    @Test
    void aMalformedTraceparentIsIgnoredForTheXRayHeaderOrANewId() {
        String r = id();
        String s = id();
        long t = NOW.toEpochMilli() - 60_000;
        assertThat(send(
                        msg(Bodies.query(r, t))
                                .withAttribute("traceparent", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")
                                .withSystem("AWSTraceHeader", "Root=1-5759e988-bd862e3fe1be46a994272793"),
                        msg(Bodies.response(r, t + 900)),
                        msg(Bodies.query(s, t)).withAttribute("traceparent", "garbage"),
                        msg(Bodies.response(s, t + 900))))
                .isEmpty();
        assertThat(record(r).get("traceId").s()).isEqualTo(TRACE_B);
        String generated = record(s).get("traceId").s();
        assertThat(dev.cva.contracts.tracing.TraceIds.isTraceId(generated))
                .as(generated)
                .isTrue();
        assertThat(generated).isNotEqualTo(TRACE_B);
        assertThat(logLines())
                .filteredOn(l -> l.path("message").asText().equals("malformed traceparent attribute ignored"))
                .hasSize(2);
    }

    @Test
    void anUntracedQueryParkedAlonePassesItsNewTraceIdToTheRecord() {
        String r = id();
        long t = NOW.toEpochMilli() - 60_000;
        assertThat(send(msg(Bodies.query(r, t)))).isEmpty();
        String parked = interim(r).get("traceId").s();
        assertThat(dev.cva.contracts.tracing.TraceIds.isTraceId(parked))
                .as(parked)
                .isTrue();
        assertThat(send(msg(Bodies.response(r, t + 900)))).isEmpty();
        assertThat(record(r).get("traceId").s()).isEqualTo(parked);
    }

    @Test
    void aRowParkedBeforeTraceIdsGivesTheRecordTheResponsesTraceId() {
        String r = id();
        long t = NOW.toEpochMilli() - 60_000;
        // an interim row as the processor wrote it before trace ids: no traceId attribute
        dynamo.putItem(b -> b.tableName(QUERY_EVENTS)
                .item(Map.of(
                        "requestId",
                        AttributeValue.fromS(r),
                        "queryEvent",
                        AttributeValue.fromS(Bodies.query(r, t).toString()),
                        "ttl",
                        AttributeValue.fromN(Long.toString(CLOCK.getEpochSecond() + 3600)))));
        assertThat(send(msg(Bodies.response(r, t + 900))
                        .withAttribute("traceparent", "00-" + TRACE_B + "-00f067aa0ba902b7-01")))
                .isEmpty();
        assertThat(record(r).get("traceId").s()).isEqualTo(TRACE_B);
    }

    /** The log-line contract: every line the handler writes while handling a batch, with the ids of its request. */
    @Test
    void everyLineOfAnInvocationFollowsTheLogLineContractWithItsIds() {
        String r = id();
        String bad = id();
        long t = NOW.toEpochMilli() - 60_000;
        String awsRequestId = "c6af9ac6-7b61-11e6-9a41-93e812345678";
        var parked = handler.handleRequest(
                SqsEvents.event(List.of(
                        msg(Bodies.query(r, t)).withAttribute("traceparent", "00-" + TRACE_A + "-00f067aa0ba902b7-01"),
                        Msg.of(bad, "{not json", bad, bad + "-query"))),
                lambdaContext(awsRequestId));
        assertThat(parked.getBatchItemFailures()).hasSize(1);
        handler.handleRequest(SqsEvents.event(List.of(msg(Bodies.response(r, t + 900)))), lambdaContext(awsRequestId));

        List<JsonNode> lines = logLines();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode line : lines) {
            assertThat(VALIDATOR.validate(Contract.LOG_LINE, line))
                    .as(line.toString())
                    .isEmpty();
            assertThat(line.path("awsRequestId").asText()).as(line.toString()).isEqualTo(awsRequestId);
            assertThat(line.path("service").asText()).isEqualTo("processor");
        }
        assertThat(lines)
                .filteredOn(l -> l.path("requestId").asText().equals(r))
                .extracting(l -> l.path("message").asText())
                .containsExactly("event parked", "record completed");
        assertThat(lines)
                .filteredOn(l -> l.path("requestId").asText().equals(r))
                .allSatisfy(l -> assertThat(l.path("traceId").asText()).isEqualTo(TRACE_A));
        // a message that is not even JSON has no request, but still its trace id
        assertThat(lines)
                .filteredOn(l -> l.path("message").asText().equals("event rejected"))
                .singleElement()
                .satisfies(l -> assertThat(dev.cva.contracts.tracing.TraceIds.isTraceId(
                                l.path("traceId").asText()))
                        .isTrue());
    }
}
