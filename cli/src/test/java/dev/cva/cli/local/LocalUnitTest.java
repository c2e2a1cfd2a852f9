package dev.cva.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The local stack's pieces that need no emulator. */
class LocalUnitTest {
    @TempDir Path tmp;

    @Test
    void weeklyScheduleIsMondaySevenUtc() {
        assertThat(WeeklySchedule.next(Instant.parse("2026-11-24T23:00:00Z"))).isEqualTo(Instant.parse("2026-11-30T07:00:00Z"));
        assertThat(WeeklySchedule.next(Instant.parse("2026-11-30T06:59:59Z"))).isEqualTo(Instant.parse("2026-11-30T07:00:00Z"));
        assertThat(WeeklySchedule.next(Instant.parse("2026-11-30T07:00:00Z"))).isEqualTo(Instant.parse("2026-12-07T07:00:00Z"));
        assertThat(WeeklySchedule.isoWeek(Instant.parse("2026-11-24T12:00:00Z"))).isEqualTo("2026-W48");
        assertThat(WeeklySchedule.isoWeek(Instant.parse("2027-01-01T12:00:00Z"))).isEqualTo("2026-W53");
    }

    @Test
    void percentilesAreNearestRank() {
        List<Long> values = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(Demo.percentile(values, 50)).isEqualTo(5);
        assertThat(Demo.percentile(values, 95)).isEqualTo(10);
        assertThat(Demo.percentile(List.of(), 95)).isZero();
    }

    @Test
    void stateFileIsWrittenAtomicallyAndReadBack() throws Exception {
        LocalState s = new LocalState(ProcessHandle.current().pid(), System.currentTimeMillis(), true,
                Map.of("receiver", new LocalState.Part("receiver", "http://127.0.0.1:1/", 0, 1, "r")),
                Map.of("queueUrl", "http://q"));
        s.write(tmp);
        try (var files = Files.list(tmp.resolve(".cva/local"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
        }
        LocalState back = LocalState.read(tmp).orElseThrow();
        assertThat(back.url("receiver")).isEqualTo("http://127.0.0.1:1/");
        assertThat(back.supervisorAlive()).isTrue();
        LocalState reused = new LocalState(ProcessHandle.current().pid(), 1L, true, Map.of(), Map.of());
        assertThat(reused.supervisorAlive()).as("a pid that started after the state was written is not ours").isFalse();
        LocalState.delete(tmp);
        assertThat(LocalState.read(tmp)).isEmpty();
    }

    @Test
    void streamImagesUseDynamoDbJson() {
        JsonNode n = StreamMapping.item(Map.of(
                "s", AttributeValue.fromS("x"), "n", AttributeValue.fromN("42"), "b", AttributeValue.fromBool(true),
                "m", AttributeValue.fromM(Map.of("k", AttributeValue.fromS("v"))),
                "l", AttributeValue.fromL(List.of(AttributeValue.fromN("1"))),
                "bin", AttributeValue.fromB(SdkBytes.fromUtf8String("hi")), "nul", AttributeValue.fromNul(true)));
        assertThat(n.toString()).contains("\"s\":{\"S\":\"x\"}", "\"n\":{\"N\":\"42\"}", "\"b\":{\"BOOL\":true}",
                "\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}}", "\"l\":{\"L\":[{\"N\":\"1\"}]}", "\"bin\":{\"B\":\"aGk=\"}",
                "\"nul\":{\"NULL\":true}");
    }

    @Test
    void runtimeApiServesNextWithTraceIdAndCompletesOnResponse() throws Exception {
        try (RuntimeApi api = new RuntimeApi("arn:aws:lambda:eu-west-2:000000000000:function:f", 30_000)) {
            var result = api.invoke("{\"hello\":1}");
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://" + api.address() + RuntimeApi.BASE;
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(base + "invocation/next")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(next.body()).isEqualTo("{\"hello\":1}");
            assertThat(next.headers().firstValue("Lambda-Runtime-Trace-Id")).hasValueSatisfying(v -> assertThat(v).startsWith("Root=1-"));
            assertThat(next.headers().firstValue("Lambda-Runtime-Deadline-Ms")).isPresent();
            assertThat(next.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn")).hasValue("arn:aws:lambda:eu-west-2:000000000000:function:f");
            String id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "invocation/" + id + "/response"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"ok\":true}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(202);
            assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(new RuntimeApi.Result(false, "{\"ok\":true}"));
            assertThat(api.ready()).isTrue();

            var failing = api.invoke("{}");
            next = http.send(HttpRequest.newBuilder(URI.create(base + "invocation/next")).build(), HttpResponse.BodyHandlers.ofString());
            id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
            http.send(HttpRequest.newBuilder(URI.create(base + "invocation/" + id + "/error"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"errorMessage\":\"boom\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(failing.get(5, TimeUnit.SECONDS).error()).isTrue();
        }
    }

    @Test
    void aNextLeftOverFromADeadInstanceTakesNoInvocation() throws Exception {
        try (RuntimeApi api = new RuntimeApi("arn:aws:lambda:eu-west-2:000000000000:function:f", 30_000)) {
            HttpClient http = HttpClient.newHttpClient();
            URI next = URI.create("http://" + api.address() + RuntimeApi.BASE + "invocation/next");
            var stale = http.sendAsync(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!api.ready() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            api.resetReady();
            var result = api.invoke("{\"n\":2}");
            assertThat(stale.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(500);
            HttpResponse<String> fresh = http.send(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(fresh.body()).isEqualTo("{\"n\":2}");
            assertThat(result).isNotDone();
        }
    }

    @Test
    void firestoreEmulatorDownloadIsCheckedAndCached() throws Exception {
        byte[] jar = "not really a jar".getBytes();
        AtomicInteger downloads = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/emulator.jar", ex -> {
            downloads.incrementAndGet();
            ex.sendResponseHeaders(200, jar.length);
            ex.getResponseBody().write(jar);
            ex.close();
        });
        server.start();
        try {
            Path file = tmp.resolve("f.jar");
            Files.write(file, jar);
            String sha = FirestoreEmulator.sha256(file);
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/emulator.jar";
            FirestoreEmulator emulator = new FirestoreEmulator(Map.of("PATH", ""), tmp.resolve("home"));
            Path cached = emulator.cached(url, sha);
            assertThat(cached).startsWith(tmp.resolve("home/.cva/cache/firestore-emulator")).hasBinaryContent(jar);
            assertThat(emulator.cached(url, sha)).isEqualTo(cached);
            assertThat(downloads).hasValue(1);
            assertThatThrownBy(() -> emulator.cached(url, "0".repeat(64)))
                    .isInstanceOfSatisfying(CvaException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED))
                    .hasMessageContaining("SHA-256");
            assertThatThrownBy(() -> emulator.cached("http://127.0.0.1:1/none.jar", "1".repeat(64)))
                    .isInstanceOfSatisfying(CvaException.class, e -> assertThat(e.hint()).contains("gcloud components install cloud-firestore-emulator"));
            Files.write(cached, "tampered".getBytes());
            assertThat(emulator.cached(url, sha)).hasBinaryContent(jar);
            assertThat(downloads).hasValue(3);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void missingJarsSayHowToBuildThem() {
        Runtimes rt = new Runtimes(tmp.resolve("runtimes"), tmp);
        assertThatThrownBy(() -> rt.lambdaJar("processor", "services/processor", Map.of()))
                .isInstanceOfSatisfying(CvaException.class, e -> assertThat(e.hint()).isEqualTo(Runtimes.BUILD_HINT))
                .hasMessageContaining("services/processor/target/processor-lambda.jar");
        assertThatThrownBy(() -> rt.classPath("elasticmq")).hasMessageContaining("runtimes/elasticmq");
    }

    @Test
    void commandsWithoutARunningStack() {
        CliHarness cva = new CliHarness(tmp);
        CliHarness.Result status = cva.run("local", "status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isEqualTo(1);
        assertThat(status.out()).contains("\"running\" : false");
        assertThat(cva.run("local", "down").exitCode()).isEqualTo(4);
        CliHarness.Result send = cva.run("events", "send", "query", "--query", "hi");
        assertThat(send.exitCode()).isEqualTo(1);
        assertThat(send.err()).contains("not running", "cva local up --detach");
    }

    @Test
    void eventsAreValidatedBeforeSending() {
        CliHarness cva = new CliHarness(tmp);
        CliHarness.Result bad = cva.run("events", "send", "response", "--match-type", "full", "--score", "150");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(5);
        assertThat(bad.err()).contains("breaks its contract", "matchScore");
        assertThat(cva.run("events", "send", "response", "--match-type", "maybe", "--score", "50").exitCode()).isEqualTo(2);
        CliHarness.Result missing = cva.run("events", "send", "query");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(cva.run("local", "status", "--env", "prod").exitCode()).isEqualTo(2);
    }

    @Test
    void simulatedEventsHonourTheContracts() {
        ChatEvents events = new ChatEvents(new java.util.Random(1));
        
        for (int i = 0; i < 50; i++) {
            String id = ChatEvents.newRequestId();
            EventSender.validate(events.query(id, 1_700_000_000_000L + i));
            EventSender.validate(events.response(id, 1_700_000_000_000L + i));
        }
        assertThatThrownBy(() -> EventSender.validate(CvaContext.json().createObjectNode().put("eventType", "query")))
                .isInstanceOf(CvaException.class);
    }
}
