package dev.cva.reporter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.local.LocalAws;
import dev.cva.local.LocalIam;
import dev.cva.local.Moto;
import dev.cva.local.ServicePolicies;
import dev.cva.local.Tables;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The reporter against moto's DynamoDB (tables and GSI as in the design notes) and a WireMock stand-in that checks
 * the SES v2 SendEmail request the SDK really sends.
 */
class ReporterHandlerTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String SES_PATH = "/v2/email/outbound-emails";
    static final Clock MONDAY_0700 = Clock.fixed(Instant.parse("2026-11-23T07:00:00Z"), ZoneOffset.UTC);
    static final ReporterConfig CONFIG = new ReporterConfig(
            "cv-analytics-analytics",
            "week-index",
            "cv-analytics-query-events",
            "reports@cv-analytics.local",
            List.of("owner@cv-analytics.local"),
            "eu-west-2");

    static Moto local;
    /** The administrator's client: tables, seeding and checks. */
    static DynamoDbClient dynamo;

    static DynamoDbClient asReporter;
    static LocalIam.Keys reporterRole;
    static WireMockServer ses;
    static SesV2Client sesClient;
    static final AtomicInteger QUERY_CALLS = new AtomicInteger();

    ByteArrayOutputStream logBytes;

    @BeforeAll
    static void start() {
        local = Moto.shared();
        dynamo = local.dynamo();
        // the handler runs under the reporter's execution role (infra/policies/reporter.json), as in AWS
        String region = LocalAws.DEFAULT_REGION.id();
        reporterRole = local.roleFor(
                "reporter",
                Map.of(
                        "analytics_table_arn", ServicePolicies.Arns.table(region, CONFIG.analyticsTable()),
                        "query_events_table_arn", ServicePolicies.Arns.table(region, CONFIG.markerTable()),
                        "ses_identity_arn", ServicePolicies.Arns.sesIdentity(region, "cv-analytics.local"),
                        "report_from", CONFIG.from()));
        asReporter = local.dynamoAs(reporterRole, new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
                if ("Query".equals(a.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                    QUERY_CALLS.incrementAndGet();
                }
            }
        });
        Tables.createQueryEvents(dynamo, CONFIG.markerTable());
        Tables.createAnalytics(dynamo, CONFIG.analyticsTable());
        ses = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        ses.start();
        sesClient = SesV2Client.builder()
                .endpointOverride(URI.create(ses.baseUrl()))
                .region(LocalAws.DEFAULT_REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        seed();
    }

    @AfterAll
    static void stop() {
        sesClient.close();
        ses.stop();
        dynamo.close();
    }

    @BeforeEach
    void resetSes() {
        ses.resetAll();
        ses.stubFor(post(urlEqualTo(SES_PATH)).willReturn(okJson("{\"MessageId\":\"ses-" + UUID.randomUUID() + "\"}")));
        logBytes = new ByteArrayOutputStream();
        QUERY_CALLS.set(0);
    }

    @AfterEach
    void echoLog() {
        System.out.print(logBytes.toString(StandardCharsets.UTF_8));
    }

    /** 25 records in 2026-W47 (Mon 16 - Sun 22 Nov), and neighbours in W46 and W48 that must not count. */
    static void seed() {
        long monday = Instant.parse("2026-11-16T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 25; i++) {
            String query = switch (i % 5) {
                case 0 -> "  Has Dan used Kubernetes? ";
                case 1 -> "has dan used KUBERNETES?";
                case 2 -> "<script>alert('x')</script> Java & Go?";
                default -> "Question " + i;
            };
            String session = i < 5 ? "anonymous" : "sess-" + (i % 4);
            String type = i < 12 ? "full" : i < 20 ? "partial" : "none";
            long ts = monday + i * 6L * 3600_000L; // spread over the week
            put("2026-W47", ts, query, session, type, 50 + i, 1000 + i * 100L);
        }
        put("2026-W46", monday - 1, "last week", "sess-x", "full", 99, 1);
        put("2026-W48", monday + 7L * 86_400_000L, "next week", "sess-y", "none", 0, 1);
    }

    static void put(String week, long ts, String query, String session, String type, double score, long latency) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("requestId", AttributeValue.fromS(UUID.randomUUID().toString()));
        item.put("query", AttributeValue.fromS(query));
        item.put("matchType", AttributeValue.fromS(type));
        item.put("matchScore", AttributeValue.fromN(Double.toString(score)));
        item.put("reasoning", AttributeValue.fromS("r"));
        item.put("sessionId", AttributeValue.fromS(session));
        item.put("week", AttributeValue.fromS(week));
        item.put("timestamp", AttributeValue.fromN(Long.toString(ts)));
        item.put("responseTimestamp", AttributeValue.fromN(Long.toString(ts + latency)));
        item.put("latencyMs", AttributeValue.fromN(Long.toString(latency)));
        dynamo.putItem(b -> b.tableName(CONFIG.analyticsTable()).item(item));
    }

    ReporterHandler handler(Clock clock) {
        return new ReporterHandler(
                CONFIG,
                asReporter,
                sesClient,
                clock,
                new JsonLog("reporter", new PrintStream(logBytes, true, StandardCharsets.UTF_8), clock),
                10);
    }

    /** The checked-in scheduled event, as the runtime hands it to a Map handler. */
    static Map<String, Object> scheduledEvent() throws Exception {
        try (InputStream in =
                ReporterHandlerTest.class.getClassLoader().getResourceAsStream("events/scheduled-event.json")) {
            byte[] json = in.readAllBytes();
            // the fixture is a real EventBridge scheduled event
            ScheduledEvent typed = LambdaEventSerializers.serializerFor(
                            ScheduledEvent.class, ReporterHandlerTest.class.getClassLoader())
                    .fromJson(new String(json, StandardCharsets.UTF_8));
            assertThat(typed.getDetailType()).isEqualTo("Scheduled Event");
            return MAPPER.readValue(json, new TypeReference<>() {});
        }
    }

    static List<JsonNode> sentEmails() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (LoggedRequest r : ses.findAll(postRequestedFor(urlEqualTo(SES_PATH)))) {
            out.add(MAPPER.readTree(r.getBodyAsString()));
        }
        return out;
    }

    @Test
    void theScheduleSendsLastWeeksReportOnceEvenWhenItRetries() throws Exception {
        Map<String, Object> first = handler(MONDAY_0700).handleRequest(scheduledEvent(), null);

        assertThat(first).containsEntry("week", "2026-W47").containsEntry("status", "sent");
        assertThat((String) first.get("messageId")).startsWith("ses-");
        assertThat(QUERY_CALLS.get()).as("25 records in pages of 10").isGreaterThanOrEqualTo(3);

        ses.verify(
                1,
                postRequestedFor(urlEqualTo(SES_PATH))
                        .withHeader("Content-Type", containing("json"))
                        .withRequestBody(matchingJsonPath("$.FromEmailAddress", equalTo("reports@cv-analytics.local")))
                        .withRequestBody(
                                matchingJsonPath("$.Destination.ToAddresses[0]", equalTo("owner@cv-analytics.local")))
                        .withRequestBody(matchingJsonPath(
                                "$.Content.Simple.Subject.Data",
                                equalTo("CV Analytics Weekly Report - Week 2026-W47"))));
        JsonNode mail = sentEmails().get(0).path("Content").path("Simple");
        String html = mail.path("Body").path("Html").path("Data").asText();
        String text = mail.path("Body").path("Text").path("Data").asText();

        // 25 queries; sessions sess-0..3 plus 5 anonymous; 12 full / 8 partial / 5 none
        assertThat(text)
                .contains("Total queries:       25")
                .contains("Unique sessions:     4")
                .contains("Anonymous queries:   5")
                .contains("full: 12 (48.0%)")
                .contains("partial: 8 (32.0%)")
                .contains("none: 5 (20.0%)");
        // scores 50..74 average 62; latencies 1000..3400 by 100: p50 = 2200, p95 = 3300, p99 = 3400
        assertThat(text)
                .contains("Average match score: 62.0")
                .contains("p50: 2200 ms")
                .contains("p95: 3300 ms")
                .contains("p99: 3400 ms");
        // normalised: the two Kubernetes spellings are one query (10 of them), first in the top list
        assertThat(text).contains("1. has dan used kubernetes? (10)");
        assertThat(text).doesNotContain("last week").doesNotContain("next week");
        // HTML is escaped, text is not
        assertThat(html)
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; java &amp; go?")
                .doesNotContain("<script>");
        assertThat(text).contains("<script>alert('x')</script> java & go? (5)");

        // the mailed report is counted once, as an EMF record the "no report this week" alarm sums
        List<JsonNode> sent = sentLines();
        assertThat(sent).hasSize(1);
        JsonNode directive = sent.get(0).path("_aws").path("CloudWatchMetrics").path(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("CvAnalytics");
        assertThat(directive.path("Dimensions").path(0).path(0).asText()).isEqualTo("service");
        assertThat(directive.path("Metrics").findValuesAsText("Name")).containsExactly("ReportsSent");
        assertThat(sent.get(0).path("ReportsSent").asInt()).isEqualTo(1);
        assertThat(sent.get(0).path("service").asText()).isEqualTo("reporter");

        // EventBridge retries the same invocation: nothing is sent again
        Map<String, Object> retry = handler(MONDAY_0700).handleRequest(scheduledEvent(), null);
        assertThat(retry).containsEntry("status", "already-sent").containsEntry("messageId", first.get("messageId"));
        ses.verify(1, postRequestedFor(urlEqualTo(SES_PATH)));
        assertThat(sentLines()).as("a retry that sends nothing counts nothing").hasSize(1);
    }

    /** The log's "report sent" lines. */
    private List<JsonNode> sentLines() throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : logBytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")
                    && MAPPER.readTree(line).path("message").asText().equals("report sent")) {
                out.add(MAPPER.readTree(line));
            }
        }
        return out;
    }

    @Test
    void aDryRunRendersTheWeekAndSendsNothing() throws Exception {
        Map<String, Object> r = handler(MONDAY_0700).handleRequest(Map.of("dryRun", true), null);

        assertThat(r)
                .containsEntry("week", "2026-W47")
                .containsEntry("status", "dry-run")
                .containsEntry("messageId", null);
        assertThat(QUERY_CALLS.get()).as("the week was read").isGreaterThanOrEqualTo(1);
        ses.verify(0, postRequestedFor(urlEqualTo(SES_PATH)));
    }

    @Test
    void anExplicitEmptyWeekSaysSoInTheMail() throws Exception {
        Map<String, Object> r = handler(MONDAY_0700).handleRequest(Map.of("week", "2026-W40"), null);

        assertThat(r).containsEntry("week", "2026-W40").containsEntry("status", "empty");
        JsonNode mail = sentEmails().get(0).path("Content").path("Simple");
        assertThat(mail.path("Subject").path("Data").asText()).isEqualTo("CV Analytics Weekly Report - Week 2026-W40");
        assertThat(mail.path("Body").path("Text").path("Data").asText())
                .contains("No queries were recorded this week.");
        assertThat(mail.path("Body").path("Html").path("Data").asText())
                .contains("No queries were recorded this week.");
    }

    @Test
    void aRefusedSendReleasesTheWeekSoTheRetrySendsIt() throws Exception {
        ses.resetAll();
        ses.stubFor(post(urlEqualTo(SES_PATH))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("x-amzn-ErrorType", "MessageRejected")
                        .withBody("{\"message\":\"Email address is not verified.\"}")));

        assertThatThrownBy(() -> handler(MONDAY_0700).handleRequest(Map.of("detail", Map.of("week", "2026-W46")), null))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("MessageRejected");
        assertThat(dynamo.getItem(b -> b.tableName(CONFIG.markerTable())
                                .consistentRead(true)
                                .key(Map.of("requestId", AttributeValue.fromS("report#2026-W46"))))
                        .item())
                .isEmpty();

        ses.resetAll();
        ses.stubFor(post(urlEqualTo(SES_PATH)).willReturn(okJson("{\"MessageId\":\"ses-retry\"}")));
        Map<String, Object> r = handler(MONDAY_0700).handleRequest(Map.of("week", "2026-W46"), null);
        assertThat(r).containsEntry("status", "sent").containsEntry("messageId", "ses-retry");
        assertThat(sentEmails()).hasSize(1);
    }

    /**
     * The log-line contract: every line of an invocation (sent, then a retry that finds it sent) is a valid
     * log line carrying that invocation's AWS request id. The reporter handles no event, so no requestId or traceId.
     */
    @Test
    void everyLineOfAnInvocationFollowsTheLogLineContractWithItsAwsRequestId() throws Exception {
        // a week of its own: the report markers are shared by the tests of this class
        handler(MONDAY_0700)
                .handleRequest(Map.of("week", "2026-W41"), lambdaContext("c6af9ac6-7b61-11e6-9a41-93e812345678"));
        handler(MONDAY_0700)
                .handleRequest(Map.of("week", "2026-W41"), lambdaContext("0f5e8a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b"));

        var validator = new dev.cva.contracts.ContractValidator();
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String l : logBytes.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(MAPPER.readTree(l));
        }
        assertThat(lines)
                .extracting(l -> l.path("message").asText() + " "
                        + l.path("awsRequestId").asText())
                .containsExactly(
                        "report sent c6af9ac6-7b61-11e6-9a41-93e812345678",
                        "report already sent 0f5e8a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b");
        for (JsonNode line : lines) {
            assertThat(validator.validate(dev.cva.contracts.Contract.LOG_LINE, line))
                    .as(line.toString())
                    .isEmpty();
            assertThat(line.path("service").asText()).isEqualTo("reporter");
        }
    }

    static com.amazonaws.services.lambda.runtime.Context lambdaContext(String awsRequestId) {
        return (com.amazonaws.services.lambda.runtime.Context) java.lang.reflect.Proxy.newProxyInstance(
                ReporterHandlerTest.class.getClassLoader(),
                new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAwsRequestId" -> awsRequestId;
                    case "getRemainingTimeInMillis", "getMemoryLimitInMB" -> 900_000;
                    default -> null;
                });
    }

    @Test
    void aRunThatCrashedMidSendIsInDoubtAndOnlyForceSendsAgain() throws Exception {
        // an earlier invocation claimed W44 an hour ago and never finished
        dynamo.putItem(b -> b.tableName(CONFIG.markerTable())
                .item(Map.of(
                        "requestId", AttributeValue.fromS("report#2026-W44"),
                        "state", AttributeValue.fromS("sending"),
                        "claimedAt",
                                AttributeValue.fromS(
                                        Instant.parse("2026-11-23T06:00:00Z").toString()))));

        Map<String, Object> r = handler(MONDAY_0700).handleRequest(Map.of("week", "2026-W44"), null);
        assertThat(r).containsEntry("status", "in-doubt");
        assertThat(sentEmails()).isEmpty();
        assertThat(logBytes.toString(StandardCharsets.UTF_8))
                .contains("report in doubt")
                .contains("force");

        Map<String, Object> forced =
                handler(MONDAY_0700).handleRequest(Map.of("week", "2026-W44", "force", true), null);
        assertThat(forced).containsEntry("status", "empty");
        assertThat(sentEmails()).hasSize(1);
    }

    @Test
    void theRuntimeConstructorFindsItsEndpointsThroughTheSdksStandardSettings() {
        // system-property twins of AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SESV2, which the local stack sets
        Map<String, String> props = Map.of(
                "aws.endpointUrlDynamoDb",
                local.endpoint().toString(),
                "aws.endpointUrlSesV2",
                ses.baseUrl(),
                "aws.accessKeyId",
                reporterRole.accessKeyId(),
                "aws.secretAccessKey",
                reporterRole.secretAccessKey(),
                "aws.sessionToken",
                reporterRole.sessionToken());
        props.forEach(System::setProperty);
        try {
            // REPORT_FROM / REPORT_TO are required and not in this JVM's environment
            assertThatThrownBy(ReporterHandler::new)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("REPORT_FROM");
            ReporterConfig fromEnv =
                    ReporterConfig.fromEnv(Map.of("REPORT_FROM", "a@b.c", "REPORT_TO", "x@y.z, w@y.z"));
            assertThat(fromEnv.to()).containsExactly("x@y.z", "w@y.z");
            assertThat(fromEnv.markerTable()).isEqualTo("cv-analytics-query-events");
            var sdkDynamo = DynamoDbClient.builder()
                    .region(LocalAws.DEFAULT_REGION)
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
            var sdkSes = SesV2Client.builder()
                    .region(LocalAws.DEFAULT_REGION)
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
            Map<String, Object> r = new ReporterHandler(
                            fromEnv,
                            sdkDynamo,
                            sdkSes,
                            MONDAY_0700,
                            new JsonLog(
                                    "reporter", new PrintStream(logBytes, true, StandardCharsets.UTF_8), MONDAY_0700),
                            null)
                    .handleRequest(Map.of("week", "2026-W30"), null);
            assertThat(r).containsEntry("status", "empty");
            ses.verify(
                    1,
                    postRequestedFor(urlEqualTo(SES_PATH))
                            .withRequestBody(matchingJsonPath("$.Destination.ToAddresses[1]", equalTo("w@y.z"))));
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
    }
}
