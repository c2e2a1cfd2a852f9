package dev.cva.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import dev.cva.cli.Cva;
import dev.cva.cli.CvaContext;
import dev.cva.contracts.logging.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cva logs} end to end on the local environment: the services' real JSON lines in .cva/local/logs. */
class LogsCommandTest {
    static final String REQUEST = "3f1c2a9e-8b7d-4c6e-9f01-23456789abcd";
    static final String OTHER = "9d8e7f6a-0000-4c6e-9f01-23456789abcd";
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path project;

    Path logs;

    @BeforeEach
    void aProjectWithLocalLogs() throws Exception {
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), project.resolve("cva.yaml"));
        logs = Files.createDirectories(project.resolve(".cva/local/logs"));
    }

    /** Lines as a part's process writes them: the service's own JsonLog on the part's log file. */
    void write(String file, String service, Instant at, JsonLog.Severity severity, String message, Object... fields)
            throws Exception {
        try (PrintStream out = new PrintStream(
                new FileOutputStream(logs.resolve(file).toFile(), true), true, StandardCharsets.UTF_8)) {
            new JsonLog(service, out, Clock.fixed(at, ZoneOffset.UTC)).log(severity, message, fields);
        }
    }

    CliHarness cli(Instant now) {
        return new CliHarness(project).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    void aConversation() throws Exception {
        write(
                "processor.log",
                "processor",
                T0,
                JsonLog.Severity.INFO,
                "half parked",
                "requestId",
                REQUEST,
                "eventType",
                "query",
                "traceId",
                "4bf92f3577b34da6a3ce929d0e0e4736");
        // the runtime's own chatter takes the time of the line before it
        Files.writeString(logs.resolve("processor.log"), "END RequestId: 6f1e1b7c\n", StandardOpenOption.APPEND);
        write(
                "processor.log",
                "processor",
                T0.plusSeconds(1),
                JsonLog.Severity.WARNING,
                "event rejected",
                "requestId",
                OTHER,
                "reason",
                "schema");
        write(
                "processor.log",
                "processor",
                T0.plusSeconds(2),
                JsonLog.Severity.INFO,
                "record completed",
                "requestId",
                REQUEST,
                "latencyMs",
                412);
        write(
                "notifier.log",
                "notifier",
                T0.plusSeconds(3),
                JsonLog.Severity.INFO,
                "webhook sent",
                "requestId",
                REQUEST);
    }

    @Test
    void oneRequestsLinesAsJsonLinesInTheDocumentedShape() throws Exception {
        aConversation();

        CliHarness.Result r = cli(T0.plusSeconds(60)).run("logs", "processor", "--request", REQUEST, "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<JsonNode> lines = jsonLines(r.out());
        assertThat(lines).hasSize(2);
        JsonNode first = lines.get(0);
        assertThat(iterable(first.fieldNames()))
                .containsExactly("time", "service", "level", "requestId", "traceId", "message", "fields");
        assertThat(first.path("time").asText()).isEqualTo("2026-12-07T10:00:00Z");
        assertThat(first.path("service").asText()).isEqualTo("processor");
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("requestId").asText()).isEqualTo(REQUEST);
        assertThat(first.path("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(first.path("message").asText()).isEqualTo("half parked");
        assertThat(first.path("fields").path("eventType").asText()).isEqualTo("query");
        JsonNode second = lines.get(1);
        assertThat(second.path("message").asText()).isEqualTo("record completed");
        assertThat(second.path("traceId").isNull()).isTrue(); // every key present, null when the line has none
        assertThat(second.path("fields").path("latencyMs").asInt()).isEqualTo(412);
        assertThat(r.out()).doesNotContain(OTHER).doesNotContain("webhook sent");
    }

    @Test
    void theHumanLineIsTimeServiceLevelRequestIdMessageWithFilters() throws Exception {
        aConversation();

        CliHarness.Result all = cli(T0.plusSeconds(60)).run("logs", "processor");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.out().lines().toList())
                .containsExactly(
                        "2026-12-07T10:00:00.000Z  processor  INFO   " + REQUEST + "  half parked",
                        "2026-12-07T10:00:00.000Z  processor  INFO   -" + " ".repeat(35) + "  END RequestId: 6f1e1b7c",
                        "2026-12-07T10:00:01.000Z  processor  WARN   " + OTHER + "  event rejected",
                        "2026-12-07T10:00:02.000Z  processor  INFO   " + REQUEST + "  record completed");

        CliHarness.Result warn = cli(T0.plusSeconds(60)).run("logs", "processor", "--level", "WARN");
        assertThat(warn.out().lines().toList())
                .singleElement()
                .asString()
                .contains("WARN")
                .endsWith("event rejected");

        // --since as an RFC 3339 time, and as a duration back from the clock
        CliHarness.Result at =
                cli(T0.plusSeconds(60)).run("logs", "processor", "--since", "2026-12-07T11:00:01.500+01:00");
        assertThat(at.out().lines().toList()).singleElement().asString().endsWith("record completed");
        CliHarness.Result back = cli(T0.plusSeconds(60)).run("logs", "processor", "--since", "59s");
        assertThat(back.out().lines().toList()).hasSize(2);
        // the default window is ten minutes: an hour later nothing is left, said on stderr, exit 0
        CliHarness.Result later = cli(T0.plusSeconds(3600)).run("logs", "processor");
        assertThat(later.exitCode()).as(later.toString()).isZero();
        assertThat(later.out()).isEmpty();
        assertThat(later.err()).contains("no log lines from processor since 2026-12-07T10:50:00Z");
    }

    @Test
    void theLevelIsColouredOnlyOnATerminalWithoutNoColor() throws Exception {
        aConversation();

        CliHarness.Result tty =
                cli(T0.plusSeconds(60)).terminal(true).env("TERM", "xterm").run("logs", "processor", "--level", "warn");
        assertThat(tty.out()).contains("\u001b[33mWARN \u001b[0m");
        CliHarness.Result noColor = cli(T0.plusSeconds(60))
                .terminal(true)
                .env("TERM", "xterm")
                .env("NO_COLOR", "1")
                .run("logs", "processor", "--level", "warn");
        assertThat(noColor.out()).doesNotContain("\u001b[").contains("WARN ");
        CliHarness.Result piped = cli(T0.plusSeconds(60)).run("logs", "processor", "--level", "warn");
        assertThat(piped.out()).doesNotContain("\u001b[");
    }

    @Test
    void badInputIsAUsageErrorWithAClearMessage() throws Exception {
        aConversation();

        CliHarness.Result site = cli(T0).run("logs", "dashboard");
        assertThat(site.exitCode()).as(site.toString()).isEqualTo(2);
        assertThat(site.err()).contains("dashboard is a static site: it writes no logs of its own");
        CliHarness.Result service = cli(T0).run("logs", "billing");
        assertThat(service.exitCode()).isEqualTo(2);
        assertThat(service.err())
                .contains("unknown service 'billing'")
                .contains("dashboard, notifier, processor, receiver, reporter");
        CliHarness.Result level = cli(T0).run("logs", "processor", "--level", "loud");
        assertThat(level.exitCode()).isEqualTo(2);
        assertThat(level.err()).contains("unknown level 'loud'").contains("debug, info, warn, error");
        CliHarness.Result since = cli(T0).run("logs", "processor", "--since", "yesterday");
        assertThat(since.exitCode()).isEqualTo(2);
        assertThat(since.err()).contains("--since 'yesterday' is neither a duration nor an RFC 3339 time");
        CliHarness.Result time = cli(T0).run("logs", "processor", "--since", "2026-13-07T10:00:00Z");
        assertThat(time.exitCode()).isEqualTo(2);
        assertThat(time.err()).contains("is not an RFC 3339 time");
        CliHarness.Result request = cli(T0).run("logs", "processor", "--request", "x\" } || { $.a = \"b");
        assertThat(request.exitCode()).isEqualTo(2);
        assertThat(request.err()).contains("is not a request id");
        CliHarness.Result none = cli(T0).run("logs");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("Missing required parameter: 'SERVICE'");
    }

    @Test
    void followPrintsALineAppendedWhileItRunsAndEndsOnInterrupt() throws Exception {
        Instant now = Instant.now();
        write("processor.log", "processor", now.minusSeconds(5), JsonLog.Severity.INFO, "before", "requestId", REQUEST);
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
        Thread follower =
                new Thread(() -> code.set(Cva.run(ctx, "logs", "processor", "--follow", "--json")), "follower");
        follower.start();
        awaitUntil(() -> out.toString().contains("\"before\""), "the line written before it started");

        write("processor.log", "processor", Instant.now(), JsonLog.Severity.ERROR, "after", "requestId", REQUEST);
        // a line of another service in its own file is not processor's
        write("notifier.log", "notifier", Instant.now(), JsonLog.Severity.INFO, "elsewhere", "requestId", REQUEST);
        awaitUntil(() -> out.toString().contains("\"after\""), "the line appended while it ran");

        follower.interrupt();
        follower.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(follower.isAlive()).as("follow stops on interrupt").isFalse();
        assertThat(code.get()).isEqualTo(130);
        assertThat(err.toString()).doesNotContain("cva:");
        List<JsonNode> lines = jsonLines(out.toString());
        assertThat(lines).extracting(j -> j.path("message").asText()).containsExactly("before", "after");
        assertThat(lines.get(1).path("level").asText()).isEqualTo("ERROR");
    }

    /** A hang guard, not a time limit: the follower polls every 50 ms, so this waits for an outcome. */
    static void awaitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
            Thread.sleep(20);
        }
    }

    static List<JsonNode> jsonLines(String out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.lines().toList()) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    static List<String> iterable(Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
