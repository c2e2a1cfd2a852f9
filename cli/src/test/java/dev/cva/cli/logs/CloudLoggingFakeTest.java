package dev.cva.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.MonitoredResource;
import com.google.logging.type.LogSeverity;
import com.google.logging.v2.LogEntry;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.cva.cli.CliHarness;
import dev.cva.cli.Cva;
import dev.cva.cli.CvaContext;
import dev.cva.contracts.logging.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva logs receiver --env prod} through Google's real Cloud Logging client (GAPIC LoggingClient over gRPC)
 * against a loopback fake of LoggingServiceV2, reached through {@code CVA_GCP_LOGGING_ENDPOINT}. Entries carry the
 * receiver's real JsonLog lines as jsonPayload, as Cloud Run's logging agent stores them.
 */
class CloudLoggingFakeTest {
    static final String REQUEST = "3f1c2a9e-8b7d-4c6e-9f01-23456789abcd";
    static final String OTHER = "9d8e7f6a-0000-4c6e-9f01-23456789abcd";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path project;

    FakeCloudLogging google;
    int inserted;

    @BeforeEach
    void start() throws Exception {
        google = new FakeCloudLogging();
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), project.resolve("cva.yaml"));
    }

    @AfterEach
    void stop() {
        google.close();
    }

    CliHarness cli() {
        return new CliHarness(project).env(LogSources.LOGGING_ENDPOINT, google.endpoint());
    }

    /** The receiver's JsonLog line as the jsonPayload of a Cloud Run entry of {@code service}. */
    LogEntry entry(String service, Instant at, JsonLog.Severity severity, String message, Object... fields)
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JsonLog("receiver", new PrintStream(bytes, true, StandardCharsets.UTF_8), Clock.fixed(at, ZoneOffset.UTC))
                .log(severity, message, fields);
        Struct payload = struct(JSON.readTree(bytes.toString(StandardCharsets.UTF_8)));
        return base(service, at)
                .setJsonPayload(payload)
                .setSeverity(LogSeverity.valueOf(severity.name()))
                .build();
    }

    LogEntry.Builder base(String service, Instant at) {
        return LogEntry.newBuilder()
                .setInsertId("id-" + (++inserted))
                .setLogName("projects/cv-analytics-prod/logs/run.googleapis.com%2Fstdout")
                .setResource(MonitoredResource.newBuilder()
                        .setType("cloud_run_revision")
                        .putLabels("service_name", service)
                        .putLabels("revision_name", service + "-00007-abc"))
                .setTimestamp(
                        Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
    }

    static Struct struct(JsonNode node) {
        Struct.Builder s = Struct.newBuilder();
        node.fields().forEachRemaining(f -> s.putFields(f.getKey(), value(f.getValue())));
        return s.build();
    }

    static Value value(JsonNode n) {
        if (n.isObject()) {
            return Value.newBuilder().setStructValue(struct(n)).build();
        }
        if (n.isArray()) {
            ListValue.Builder l = ListValue.newBuilder();
            n.forEach(v -> l.addValues(value(v)));
            return Value.newBuilder().setListValue(l).build();
        }
        if (n.isNumber()) {
            return Value.newBuilder().setNumberValue(n.asDouble()).build();
        }
        if (n.isBoolean()) {
            return Value.newBuilder().setBoolValue(n.asBoolean()).build();
        }
        return Value.newBuilder().setStringValue(n.asText()).build();
    }

    Instant traffic() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        google.append(entry(
                "cv-analytics-receiver",
                t,
                JsonLog.Severity.INFO,
                "webhook stored",
                "requestId",
                REQUEST,
                "status",
                201,
                "traceId",
                "4bf92f3577b34da6a3ce929d0e0e4736"));
        google.append(entry(
                "cv-analytics-receiver",
                t.plusMillis(5),
                JsonLog.Severity.WARNING,
                "signature rejected",
                "requestId",
                OTHER,
                "status",
                401));
        google.append(base("cv-analytics-receiver", t.plusMillis(7))
                .setTextPayload("Container called exit(1).")
                .setSeverity(LogSeverity.ERROR)
                .build());
        google.append(entry(
                "cv-analytics-receiver",
                t.plusMillis(9),
                JsonLog.Severity.INFO,
                "duplicate dropped",
                "requestId",
                REQUEST,
                "status",
                200));
        // another Cloud Run service of the project, and a line older than the window
        google.append(entry("some-other-service", t, JsonLog.Severity.INFO, "not ours", "requestId", REQUEST));
        google.append(entry(
                "cv-analytics-receiver",
                t.minusSeconds(3600),
                JsonLog.Severity.INFO,
                "an hour earlier",
                "requestId",
                REQUEST));
        return t;
    }

    @Test
    void oneRequestThroughTheFilterAndEveryPage() throws Exception {
        Instant t = traffic();

        CliHarness.Result r = cli().run("--env", "prod", "logs", "receiver", "--request", REQUEST, "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<JsonNode> lines = LogsCommandTest.jsonLines(r.out());
        assertThat(lines)
                .extracting(j -> j.path("message").asText())
                .containsExactly("webhook stored", "duplicate dropped");
        assertThat(lines.get(0).path("time").asText()).isEqualTo(t.toString());
        assertThat(lines.get(0).path("service").asText()).isEqualTo("receiver");
        assertThat(lines.get(0).path("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(lines.get(0).path("fields").path("status").asInt()).isEqualTo(201);
        String filter = google.lists.get(0).getFilter();
        assertThat(google.lists.get(0).getResourceNamesList()).containsExactly("projects/cv-analytics-prod");
        assertThat(filter)
                .contains("resource.type=\"cloud_run_revision\"")
                .contains("resource.labels.service_name=\"cv-analytics-receiver\"")
                .contains("timestamp>=\"")
                .contains("jsonPayload.requestId=\"" + REQUEST + "\"");

        // every entry of the receiver in the window: two pages of two, the text entry at its own severity
        CliHarness.Result all = cli().run("--env", "prod", "logs", "receiver");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.out().lines().toList()).hasSize(4);
        assertThat(all.out())
                .contains("  receiver   WARN   " + OTHER + "  signature rejected")
                .contains("  receiver   ERROR  -" + " ".repeat(35) + "  Container called exit(1).")
                .doesNotContain("not ours")
                .doesNotContain("an hour earlier");
        assertThat(google.lists.size()).isEqualTo(1 + 2);
    }

    @Test
    void followTailsTheEntriesAndEndsOnInterrupt() throws Exception {
        traffic();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CvaContext ctx = context(out, err);
        AtomicInteger code = new AtomicInteger(-1);
        Thread follower = new Thread(
                () -> code.set(Cva.run(ctx, "--env", "prod", "logs", "receiver", "--follow", "--request", REQUEST)),
                "follower");
        follower.start();
        LogsCommandTest.awaitUntil(
                () -> out.toString().contains("duplicate dropped") && !google.tails.isEmpty(),
                "the backlog and the tail");
        assertThat(google.tails.get(0).getFilter())
                .doesNotContain("timestamp")
                .contains("jsonPayload.requestId=\"" + REQUEST + "\"");

        google.append(entry(
                "cv-analytics-receiver",
                Instant.now(),
                JsonLog.Severity.ERROR,
                "firestore unavailable",
                "requestId",
                REQUEST,
                "status",
                503));
        LogsCommandTest.awaitUntil(() -> out.toString().contains("firestore unavailable"), "the tailed entry");

        follower.interrupt();
        follower.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(follower.isAlive()).isFalse();
        assertThat(code.get()).isEqualTo(130);
        assertThat(err.toString()).doesNotContain("polling");
        assertThat(out.toString().lines().toList()).hasSize(3);
    }

    @Test
    void whereTailIsNotServedFollowPollsEntriesList() throws Exception {
        traffic();
        google.tailSupported = false;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        CvaContext ctx = context(out, err);
        Thread follower =
                new Thread(() -> code.set(Cva.run(ctx, "--env", "prod", "logs", "receiver", "-f")), "follower");
        follower.start();
        LogsCommandTest.awaitUntil(() -> err.toString().contains("polling entries.list every second"), "the fallback");

        google.append(entry(
                "cv-analytics-receiver", Instant.now(), JsonLog.Severity.INFO, "stored after", "requestId", REQUEST));
        LogsCommandTest.awaitUntil(() -> out.toString().contains("stored after"), "the polled entry");

        follower.interrupt();
        follower.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(follower.isAlive()).isFalse();
        assertThat(code.get()).isEqualTo(130);
        assertThat(err.toString()).contains("UNIMPLEMENTED");
        // each entry once, though every poll asks again from the last timestamp seen
        assertThat(out.toString()
                        .lines()
                        .filter(l -> l.endsWith("stored after"))
                        .count())
                .isEqualTo(1);
        assertThat(out.toString().lines().toList()).hasSize(5);
    }

    @Test
    void aDeniedListNamesThePermission() throws Exception {
        google.deny = true;

        CliHarness.Result r = cli().run("--env", "prod", "logs", "receiver");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err())
                .contains("cannot list the receiver's log entries: PERMISSION_DENIED")
                .contains(
                        "hint: the caller needs logging.logEntries.list on project cv-analytics-prod (roles/logging.viewer)");
    }

    @Test
    void withoutGoogleCredentialsTheHintIsTheLogin() throws Exception {
        // no CVA_GCP_LOGGING_ENDPOINT: Google's endpoint with Application Default Credentials, of which there are none
        // (they are looked for under user.home: an empty home has none)
        assertThat(System.getenv("GOOGLE_APPLICATION_CREDENTIALS"))
                .as("this test needs a machine without ADC")
                .isNull();
        assertThat(System.getenv("CLOUDSDK_CONFIG"))
                .as("this test needs a machine without ADC")
                .isNull();
        String home = System.getProperty("user.home");
        System.setProperty(
                "user.home",
                Files.createDirectories(project.resolve("empty-home")).toString());
        try {
            CliHarness.Result r = new CliHarness(project).run("--env", "prod", "logs", "receiver");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err())
                    .contains("cannot create the Cloud Logging client")
                    .contains("hint: run 'gcloud auth application-default login'")
                    .contains("logging.logEntries.list")
                    .doesNotContain("\tat ");
            assertThat(google.lists).isEmpty();
        } finally {
            System.setProperty("user.home", home);
        }
    }

    CvaContext context(StringWriter out, StringWriter err) {
        return new CvaContext(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                new ByteArrayInputStream(new byte[0]),
                Map.of(
                        "PATH",
                        System.getenv().getOrDefault("PATH", ""),
                        LogSources.LOGGING_ENDPOINT,
                        google.endpoint()),
                project,
                project.resolve("home"),
                Clock.systemUTC(),
                false);
    }
}
