package dev.cva.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.Cva;
import dev.cva.cli.CvaContext;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.local.Child;
import dev.cva.local.LocalIam;
import dev.cva.local.Moto;
import dev.cva.testing.Tools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsAsyncClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/**
 * {@code cva logs --env prod} for the Lambda services against moto's CloudWatch Logs, through the real SDK clients:
 * the command has no endpoint override; the SDK honours {@code aws.endpointUrlCloudWatchLogs} (the system-property
 * twin of {@code AWS_ENDPOINT_URL_CLOUDWATCH_LOGS}). Log events are the services' real JsonLog lines and the Lambda
 * runtime's own. moto ignores JSON filter patterns (it returns every event), so the request filter is checked here
 * to hold on the CLI's side too.
 */
class CloudWatchLogsMotoTest {
    static final String REQUEST = "3f1c2a9e-8b7d-4c6e-9f01-23456789abcd";
    static final String OTHER = "9d8e7f6a-0000-4c6e-9f01-23456789abcd";
    static final String NOTIFIER = "/aws/lambda/cv-analytics-notifier";
    static final String REDRIVE = "/aws/lambda/cv-analytics-notifier-redrive";
    static Child moto;
    static URI endpoint;
    static CloudWatchLogsClient logs;

    @TempDir
    Path project;

    @BeforeAll
    static void startMoto(@TempDir Path dir) {
        Tools.require(Moto.locate(System.getenv()) != null, "moto_server", "cva logs against CloudWatch Logs");
        int port = Child.freePort();
        endpoint = URI.create("http://127.0.0.1:" + port);
        moto = Child.start(
                "moto", Moto.command(System.getenv(), port), Map.of("PYTHONUNBUFFERED", "1"), dir.resolve("moto.log"));
        logs = CloudWatchLogsClient.builder()
                .region(Region.EU_WEST_2)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        moto.await(CloudWatchLogsMotoTest::answers, Duration.ofSeconds(120), "answer to DescribeLogGroups");
        System.setProperty("aws.endpointUrlCloudWatchLogs", endpoint.toString());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    static boolean answers() {
        try {
            logs.describeLogGroups();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @AfterAll
    static void stopMoto() {
        System.clearProperty("aws.endpointUrlCloudWatchLogs");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (logs != null) {
            logs.close();
        }
        if (moto != null) {
            moto.stop();
        }
    }

    @BeforeEach
    void freshMotoAndProject() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), project.resolve("cva.yaml"));
    }

    /** One JsonLog line as the service prints it (Lambda keeps each stdout line as an event). */
    static String line(String service, Instant at, JsonLog.Severity severity, String message, Object... fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JsonLog(service, new PrintStream(bytes, true, StandardCharsets.UTF_8), Clock.fixed(at, ZoneOffset.UTC))
                .log(severity, message, fields);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static void put(String group, String stream, Instant at, String message) {
        if (logs.describeLogGroups(r -> r.logGroupNamePrefix(group)).logGroups().stream()
                .noneMatch(g -> g.logGroupName().equals(group))) {
            logs.createLogGroup(r -> r.logGroupName(group));
        }
        if (logs.describeLogStreams(r -> r.logGroupName(group).logStreamNamePrefix(stream))
                .logStreams()
                .isEmpty()) {
            logs.createLogStream(r -> r.logGroupName(group).logStreamName(stream));
        }
        logs.putLogEvents(r -> r.logGroupName(group)
                .logStreamName(stream)
                .logEvents(InputLogEvent.builder()
                        .timestamp(at.toEpochMilli())
                        .message(message)
                        .build()));
    }

    /** A notifier invocation and a redrive run, as Lambda writes them, a minute ago. */
    static Instant invocations() {
        Instant t = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String stream = "2026/12/07/[$LATEST]0123456789abcdef";
        put(NOTIFIER, stream, t, "START RequestId: 6f1e1b7c-aaaa-bbbb-cccc-0123456789ab Version: 3\n");
        put(
                NOTIFIER,
                stream,
                t.plusMillis(10),
                line(
                        "notifier",
                        t.plusMillis(10),
                        JsonLog.Severity.INFO,
                        "webhook sent",
                        "requestId",
                        REQUEST,
                        "status",
                        200,
                        "attempts",
                        1));
        put(
                NOTIFIER,
                stream,
                t.plusMillis(20),
                line(
                        "notifier",
                        t.plusMillis(20),
                        JsonLog.Severity.WARNING,
                        "webhook failed",
                        "requestId",
                        OTHER,
                        "status",
                        503));
        put(
                REDRIVE,
                stream,
                t.plusMillis(30),
                line(
                        "notifier-redrive",
                        t.plusMillis(30),
                        JsonLog.Severity.INFO,
                        "redrive",
                        "requestId",
                        REQUEST,
                        "moved",
                        1));
        return t;
    }

    CliHarness cli() {
        return new CliHarness(project);
    }

    @Test
    void oneRequestFromTheFunctionAndItsRedriveInTimeOrder() throws Exception {
        Instant t = invocations();

        CliHarness.Result r = cli().run("--env", "prod", "logs", "notifier", "--request", REQUEST, "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<JsonNode> lines = LogsCommandTest.jsonLines(r.out());
        assertThat(lines).extracting(j -> j.path("message").asText()).containsExactly("webhook sent", "redrive");
        assertThat(lines).extracting(j -> j.path("service").asText()).containsExactly("notifier", "notifier-redrive");
        assertThat(lines.get(0).path("time").asText())
                .isEqualTo(t.plusMillis(10).toString());
        assertThat(lines.get(0).path("requestId").asText()).isEqualTo(REQUEST);
        assertThat(lines.get(0).path("fields").path("status").asInt()).isEqualTo(200);

        // without a request: the runtime's lines too, in the one human format; --level keeps the warning alone
        CliHarness.Result all = cli().run("--env", "prod", "logs", "notifier");
        assertThat(all.out().lines().toList()).hasSize(4);
        assertThat(all.out().lines().findFirst().orElseThrow())
                .contains("  notifier   INFO   -")
                .endsWith("START RequestId: 6f1e1b7c-aaaa-bbbb-cccc-0123456789ab Version: 3");
        CliHarness.Result warn = cli().run("--env", "prod", "logs", "notifier", "--level", "warn");
        assertThat(warn.out().lines().toList())
                .singleElement()
                .asString()
                .contains("WARN   " + OTHER)
                .endsWith("webhook failed");
        // --since excludes what is older
        CliHarness.Result recent = cli().run("--env", "prod", "logs", "notifier", "--since", "10s");
        assertThat(recent.exitCode()).isZero();
        assertThat(recent.out()).isEmpty();
        assertThat(recent.err()).contains("no log lines from notifier");
    }

    @Test
    void aFunctionThatNeverRanHasNoLogGroupAndNoLines() {
        CliHarness.Result r = cli().run("--env", "prod", "logs", "processor");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .contains("no log group /aws/lambda/cv-analytics-processor in eu-west-2")
                .contains("no log lines from processor");
    }

    @Test
    void everyPageOfTheSdksPaginatorIsRead() {
        Instant t = Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        for (int i = 0; i < 7; i++) {
            put(
                    "/aws/lambda/cv-analytics-reporter",
                    "s",
                    t.plusMillis(i),
                    line("reporter", t.plusMillis(i), JsonLog.Severity.INFO, "step " + i, "requestId", "report-" + i));
        }
        CloudWatchLogSource source = new CloudWatchLogSource(
                        logs, () -> null, List.of("cv-analytics-reporter"), "eu-west-2", false, note -> {})
                .pageSize(2);

        List<LogLine> read = source.read(new LogQuery("reporter", t.minusSeconds(1), null, null));

        assertThat(read)
                .extracting(LogLine::message)
                .containsExactly("step 0", "step 1", "step 2", "step 3", "step 4", "step 5", "step 6");
    }

    @Test
    void followPollsFilterLogEventsOnAStandInAndPrintsANewEvent() throws Exception {
        invocations();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CvaContext ctx = new CvaContext(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                new ByteArrayInputStream(new byte[0]),
                Map.of("PATH", System.getenv().getOrDefault("PATH", "")),
                project,
                project.resolve("home"),
                Clock.systemUTC(),
                false);
        AtomicInteger code = new AtomicInteger(-1);
        Thread follower = new Thread(
                () -> code.set(Cva.run(ctx, "--env", "prod", "logs", "notifier", "-f", "--request", REQUEST)),
                "follower");
        follower.start();
        LogsCommandTest.awaitUntil(() -> out.toString().contains("redrive"), "the backlog");

        Instant now = Instant.now();
        put(
                NOTIFIER,
                "2026/12/07/[$LATEST]fedcba9876543210",
                now,
                line(
                        "notifier",
                        now,
                        JsonLog.Severity.ERROR,
                        "webhook dead-lettered",
                        "requestId",
                        REQUEST,
                        "reason",
                        "circuit_open"));
        put(
                NOTIFIER,
                "2026/12/07/[$LATEST]fedcba9876543210",
                now.plusMillis(1),
                line("notifier", now, JsonLog.Severity.ERROR, "not this one", "requestId", OTHER));
        LogsCommandTest.awaitUntil(
                () -> out.toString().contains("webhook dead-lettered"), "the event put while it followed");

        follower.interrupt();
        follower.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(follower.isAlive()).isFalse();
        assertThat(code.get()).isEqualTo(130);
        assertThat(err.toString()).contains("following by polling FilterLogEvents every second");
        assertThat(out.toString().lines().toList())
                .hasSize(3)
                .noneMatch(l -> l.contains(OTHER))
                .anyMatch(l -> l.contains("ERROR  " + REQUEST + "  webhook dead-lettered"));
    }

    /**
     * The live tail forced on moto: the SDK sends StartLiveTail to the host prefixed {@code stream-} (here an IP, so
     * no such host) and moto serves no live tail anyway; the session fails to start and follow polls instead.
     */
    @Test
    void aLiveTailTheEndpointDoesNotServeFallsBackToPolling() throws Exception {
        invocations();
        List<String> notes = new CopyOnWriteArrayList<>();
        List<LogLine> seen = new CopyOnWriteArrayList<>();
        CloudWatchLogSource source = new CloudWatchLogSource(
                logs,
                () -> CloudWatchLogsAsyncClient.builder()
                        .region(Region.EU_WEST_2)
                        .endpointOverride(endpoint)
                        .credentialsProvider(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                        .build(),
                List.of("cv-analytics-notifier"),
                "eu-west-2",
                true,
                notes::add);
        AtomicBoolean stop = new AtomicBoolean();
        Thread follower = new Thread(
                () -> source.follow(
                        new LogQuery("notifier", Instant.now().minusSeconds(120), REQUEST, null), seen::add, stop::get),
                "follower");
        follower.start();
        LogsCommandTest.awaitUntil(() -> !notes.isEmpty(), "the live tail's answer");
        System.out.println("live tail on moto: " + notes.get(0));
        assertThat(notes.get(0)).startsWith("live tail unavailable (").endsWith("polling FilterLogEvents every second");

        Instant now = Instant.now();
        put(
                NOTIFIER,
                "later",
                now,
                line("notifier", now, JsonLog.Severity.INFO, "webhook sent again", "requestId", REQUEST));
        LogsCommandTest.awaitUntil(
                () -> seen.stream().anyMatch(l -> l.message().equals("webhook sent again")), "the polled event");
        stop.set(true);
        follower.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(follower.isAlive()).isFalse();
        assertThat(seen).extracting(LogLine::message).containsExactly("webhook sent", "webhook sent again");
    }

    @Test
    void aCallerWithoutTheReadPermissionIsToldWhichOneAndKeysAwsDoesNotKnowAreACredentialsProblem() throws Exception {
        invocations();
        LocalIam iam = LocalIam.enforce(endpoint);
        try {
            // a role that may list log groups but not read their events
            LocalIam.Keys keys = iam.role(
                    "cva-logs-test-reader",
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                            + "\"Allow\",\"Action\":[\"logs:DescribeLogGroups\"],\"Resource\":\"*\"}]}");
            System.setProperty("aws.accessKeyId", keys.accessKeyId());
            System.setProperty("aws.secretAccessKey", keys.secretAccessKey());
            System.setProperty("aws.sessionToken", keys.sessionToken());

            CliHarness.Result denied = cli().run("--env", "prod", "logs", "notifier");

            assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(1);
            // moto answers a bare 403 (AWS: AccessDeniedException); either way the hint names the permission
            assertThat(denied.err())
                    .contains("cannot read /aws/lambda/cv-analytics-notifier: ")
                    .contains("403")
                    .contains("hint: the caller needs logs:FilterLogEvents")
                    .contains("arn:aws:logs:eu-west-2:<account>:log-group:/aws/lambda/*");

            System.setProperty("aws.accessKeyId", "AKIAUNKNOWNUNKNOWN00");
            System.setProperty("aws.secretAccessKey", "not-a-key");
            System.clearProperty("aws.sessionToken");
            CliHarness.Result unknown = cli().run("--env", "prod", "logs", "notifier");
            assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
            assertThat(unknown.err())
                    .contains("check the AWS credentials (aws sts get-caller-identity")
                    .doesNotContain("not-a-key");
        } finally {
            LocalIam.relax(endpoint);
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");
            System.clearProperty("aws.sessionToken");
        }
    }
}
