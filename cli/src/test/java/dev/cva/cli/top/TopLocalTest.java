package dev.cva.cli.top;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.stack.LiveStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva top} on the local environment, through the stack's real control channel and LocalMetrics (reading the
 * log lines this test appends, as the services write them) and a real ElasticMQ with the stack's four queues. Time
 * is the stack's clock, moved by the test: the window is the last 60 s of it.
 */
class TopLocalTest {
    static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    /** The stack's clock, moved by the test. */
    static final class MovingClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(T0);

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
            return now.get();
        }

        void at(Duration sinceT0) {
            now.set(T0.plus(sinceT0));
        }
    }

    @TempDir
    Path dir;

    final MovingClock clock = new MovingClock();

    @BeforeEach
    void project() throws Exception {
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), dir.resolve("cva.yaml"));
    }

    static String line(String service, int second, String message, String more) {
        return "{\"time\":\"" + T0.plusSeconds(second) + "\",\"severity\":\"INFO\",\"level\":\"INFO\",\"service\":\""
                + service + "\",\"message\":\"" + message + "\"" + (more.isEmpty() ? "" : "," + more) + "}\n";
    }

    static String ms(int second, int millis) {
        return T0.plusSeconds(second).plusMillis(millis).toString();
    }

    /** A minute of traffic: 6 records completed (5 stored), 2 halves parked, 1 rejected, the breaker opened. */
    void aMinuteOfTraffic(LiveStack stack) throws Exception {
        StringBuilder processor =
                new StringBuilder("Starting 5 concurrent function handler threads."); // the runtime's chatter
        StringBuilder receiver = new StringBuilder();
        StringBuilder notifier = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            processor.append(
                    line("processor", 5 * i, "record completed", "\"requestId\":\"r" + i + "\",\"latencyMs\":1200"));
            notifier.append(
                    i <= 5
                            ? line(
                                    "notifier",
                                    5 * i,
                                    "webhook delivered",
                                    "\"requestId\":\"r" + i + "\",\"attempts\":1")
                            : line(
                                    "notifier",
                                    5 * i,
                                    "webhook failed; dead-lettered",
                                    "\"requestId\":\"r" + i + "\",\"reason\":\"status 503\""));
            // stored 100 ms x i after the processor completed it; r6 answered 503
            receiver.append("{\"time\":\"" + ms(5 * i, 100 * i)
                    + "\",\"service\":\"receiver\",\"message\":\"webhook request\","
                    + "\"method\":\"POST\",\"path\":\"/\",\"status\":" + (i <= 5 ? 200 : 503) + ",\"latencyMs\":"
                    + (i <= 5 ? 10 * i : 5) + ",\"requestId\":\"r" + i + "\"}\n");
        }
        processor
                .append(line("processor", 40, "event parked", "\"requestId\":\"p1\""))
                .append(line("processor", 41, "event parked", "\"requestId\":\"p2\""))
                .append(line(
                        "processor", 42, "event rejected", "\"messageId\":\"m9\",\"reason\":\"schema violation\""));
        receiver.append(line(
                "receiver",
                43,
                "webhook request",
                "\"method\":\"GET\",\"path\":\"/healthz\",\"status\":200,\"latencyMs\":1"));
        notifier.append(
                line("notifier", 50, "circuit breaker open: the receiver keeps failing", "\"event\":\"breaker_open\""));
        stack.log("processor", processor.toString());
        stack.log("receiver", receiver.toString());
        stack.log("notifier", notifier.toString());
    }

    @Test
    void oneSnapshotAsJsonHasTheLastMinutePerPartTheQueuesTheBreakerAndTheLatencies() throws Exception {
        try (LiveStack stack = LiveStack.start(dir, clock)) {
            aMinuteOfTraffic(stack);
            // half a line: the receiver is still writing it, so it does not count yet
            stack.log("receiver", "{\"time\":\"" + ms(59, 0) + "\",\"service\":\"receiver\",\"message\":\"webhook req");
            for (int i = 0; i < 2; i++) {
                int n = i;
                stack.sqs.sendMessage(b -> b.queueUrl(stack.queueUrls.get("cv-analytics-queue.fifo"))
                        .messageGroupId("g")
                        .messageBody("event " + n));
            }
            stack.sqs.sendMessage(b ->
                    b.queueUrl(stack.queueUrls.get("cv-analytics-webhook-dlq")).messageBody("{}"));
            clock.at(Duration.ofSeconds(60));

            CliHarness.Result r = new CliHarness(dir).run("--json", "top");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            JsonNode j = CvaContext.json().readTree(r.out());
            assertThat(j.path("environment").asText()).isEqualTo("local");
            assertThat(j.path("at").asText()).isEqualTo("2026-12-07T12:01:00Z");
            assertThat(j.path("windowSeconds").asDouble()).isEqualTo(60.0);
            // processor: 6 completed + 2 parked + 1 rejected = 9 in a minute
            JsonNode processor = part(j, "processor");
            assertThat(processor.path("inPerSecond").asDouble()).isEqualTo(0.15);
            assertThat(processor.path("outPerSecond").asDouble()).isEqualTo(0.1);
            assertThat(processor.path("errorsPerSecond").asDouble()).isEqualTo(0.02); // 1/60, to 2 places
            JsonNode notifier = part(j, "notifier");
            assertThat(notifier.path("inPerSecond").asDouble()).isEqualTo(0.1);
            assertThat(notifier.path("outPerSecond").asDouble()).isEqualTo(0.08); // 5/60
            assertThat(notifier.path("errorsPerSecond").asDouble()).isEqualTo(0.02);
            JsonNode receiver = part(j, "receiver");
            assertThat(receiver.path("inPerSecond").asDouble())
                    .as("POSTs only, not /healthz")
                    .isEqualTo(0.1);
            assertThat(receiver.path("outPerSecond").asDouble()).isEqualTo(0.08);

            assertThat(queue(j, "events").path("queue").asText()).isEqualTo("cv-analytics-queue.fifo");
            assertThat(queue(j, "events").path("visible").asLong()).isEqualTo(2);
            assertThat(queue(j, "webhookDlq").path("visible").asLong()).isEqualTo(1);
            assertThat(queue(j, "dlq").path("visible").asLong()).isZero();
            assertThat(queue(j, "streamFailureDlq").path("visible").asLong()).isZero();
            assertThat(queue(j, "events").path("oldestAgeSeconds").isNull()).isTrue();

            assertThat(j.path("breaker").path("state").asText()).isEqualTo("open");
            assertThat(j.path("breaker").path("since").asText()).isEqualTo("2026-12-07T12:00:50Z");

            // the receiver's own latency: 5, 10, 20, 30, 40, 50 ms; processor -> stored: 100..500 ms by requestId
            JsonNode own = latency(j, "receiver");
            assertThat(own.path("samples").asLong()).isEqualTo(6);
            assertThat(own.path("p50Ms").asDouble()).isEqualTo(20.0);
            assertThat(own.path("p95Ms").asDouble()).isEqualTo(50.0);
            JsonNode hop = latency(j, "completedToStored");
            assertThat(hop.path("samples").asLong()).isEqualTo(5);
            assertThat(hop.path("p50Ms").asDouble()).isEqualTo(300.0);
            assertThat(hop.path("p95Ms").asDouble()).isEqualTo(500.0);

            // 30 s later: the first half of the minute has left the window; the finished line and a close count
            stack.log("receiver", "uest\",\"method\":\"POST\",\"path\":\"/\",\"status\":200,\"latencyMs\":70}\n");
            stack.log(
                    "notifier",
                    line(
                            "notifier",
                            80,
                            "circuit breaker closed: the receiver answers again",
                            "\"event\":\"breaker_closed\""));
            clock.at(Duration.ofSeconds(90));
            JsonNode later = CvaContext.json()
                    .readTree(new CliHarness(dir).run("--json", "top").out());
            // processor lines at 30..42 s remain: r6 (30), p1, p2, rejected = 4
            assertThat(part(later, "processor").path("inPerSecond").asDouble()).isEqualTo(0.07);
            assertThat(latency(later, "receiver").path("samples").asLong())
                    .as("r6 (30 s) and the line finished at 59 s")
                    .isEqualTo(2);
            assertThat(latency(later, "receiver").path("p95Ms").asDouble()).isEqualTo(70.0);
            assertThat(later.path("breaker").path("state").asText()).isEqualTo("closed");
            assertThat(later.path("breaker").path("since").asText()).isEqualTo("2026-12-07T12:01:20Z");
        }
    }

    @Test
    void withoutATerminalTheTextIsOneFrameWithoutColourAndOnATerminalOnceIsColouredUnlessNoColor() throws Exception {
        try (LiveStack stack = LiveStack.start(dir, clock)) {
            aMinuteOfTraffic(stack);
            clock.at(Duration.ofSeconds(60));

            CliHarness.Result plain = new CliHarness(dir).run("top");
            assertThat(plain.exitCode()).as(plain.toString()).isZero();
            assertThat(plain.out())
                    .startsWith("cva top · local · 2026-12-07 12:01:00 UTC · last 60 s\n")
                    .contains("PART       IN/S  OUT/S  ERRORS/S\nprocessor  0.15  0.10   0.02\n")
                    .contains("events            cv-analytics-queue.fifo                0        0          -\n")
                    .contains("breaker  open since 2026-12-07T12:00:50Z")
                    .contains("completedToStored  300     500     -       5\n")
                    .doesNotContain("\u001b");

            CliHarness.Result coloured = new CliHarness(dir).terminal(true).run("top", "--once");
            assertThat(coloured.exitCode()).as(coloured.toString()).isZero();
            assertThat(coloured.out()).contains("\u001b[31mopen\u001b[0m").doesNotContain(TopLoop.HOME);

            CliHarness.Result noColor =
                    new CliHarness(dir).terminal(true).env("NO_COLOR", "1").run("top", "--once");
            assertThat(noColor.out()).contains("breaker  open since").doesNotContain("\u001b");

            // cva local status --watch is the same view (one frame without a terminal)
            CliHarness.Result watch = new CliHarness(dir).run("local", "status", "--watch");
            assertThat(watch.exitCode()).as(watch.toString()).isZero();
            assertThat(watch.out()).isEqualTo(plain.out());
        }
    }

    @Test
    void withoutAStackItSaysHowToStartOneAndABadIntervalIsAUsageError() {
        CliHarness.Result none = new CliHarness(dir).run("top");
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(1);
        assertThat(none.err()).contains("the local stack is not running").contains("hint:");

        CliHarness.Result zero = new CliHarness(dir).run("top", "--interval", "0s");
        assertThat(zero.exitCode()).as(zero.toString()).isEqualTo(2);
        assertThat(zero.err()).contains("the interval between frames must be a positive duration, not 0 s");
    }

    static JsonNode part(JsonNode j, String name) {
        for (JsonNode p : j.path("parts")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no part " + name + " in " + j);
    }

    static JsonNode queue(JsonNode j, String name) {
        for (JsonNode q : j.path("queues")) {
            if (q.path("name").asText().equals(name)) {
                return q;
            }
        }
        throw new AssertionError("no queue " + name + " in " + j);
    }

    static JsonNode latency(JsonNode j, String name) {
        for (JsonNode l : j.path("latency")) {
            if (l.path("name").asText().equals(name)) {
                return l;
            }
        }
        throw new AssertionError("no latency " + name + " in " + j);
    }
}
