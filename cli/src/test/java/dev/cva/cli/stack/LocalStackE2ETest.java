package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.events.EventSender;
import dev.cva.cli.stackclient.FirestoreRest;
import dev.cva.cli.stackclient.LocalClients;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on this machine, as a user runs it: every emulator, the packaged receiver and Lambda jars
 * (built by {@code ./mvnw verify} before the CLI's tests run), the event source mappings, the DLQ.
 */
class LocalStackE2ETest {
    @TempDir
    Path project;

    private CliHarness cva;

    @BeforeEach
    void projectWithTheRepositoryServices() throws Exception {
        Path repo = CliHarness.repoRoot();
        List<String> missing = new ArrayList<>();
        for (String m : List.of("processor", "notifier", "reporter")) {
            Path jar = repo.resolve("services/" + m + "/target/" + m + "-lambda.jar");
            String override = System.getenv("CVA_LOCAL_JAR_" + m.toUpperCase());
            if (!Files.isRegularFile(jar) && override == null) {
                missing.add(jar.toString());
            }
        }
        Path deploy = repo.resolve("services/receiver/target/deploy");
        if (!Files.isDirectory(deploy)
                || Files.list(deploy).noneMatch(p -> p.toString().endsWith(".jar"))) {
            missing.add(deploy + "/*.jar");
        }
        assertThat(missing)
                .as("the end-to-end test needs the packaged service jars: run './mvnw verify' "
                        + "(or './mvnw -DskipTests install' first); missing")
                .isEmpty();
        CliHarness.localCheckout(project);
        cva = new CliHarness(project).env("CVA_LOCAL_SES", "outbox");
        for (String m : List.of("PROCESSOR", "NOTIFIER", "REPORTER")) {
            String override = System.getenv("CVA_LOCAL_JAR_" + m);
            if (override != null) {
                cva.env("CVA_LOCAL_JAR_" + m, override);
            }
        }
    }

    @Test
    @Timeout(180)
    void demoDeliversEveryValidRecordAndDeadLettersThePoison() throws Exception {
        CliHarness.Result r = cva.run(
                "local",
                "demo",
                "--conversations",
                "20",
                "--early",
                "2",
                "--duplicates",
                "2",
                "--poison",
                "2",
                "--timeout",
                "90",
                "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode s = CvaContext.json().readTree(r.out());
        assertThat(s.path("ok").asBoolean()).isTrue();
        assertThat(s.path("conversations").asInt()).isEqualTo(20);
        assertThat(s.path("earlyResponses").asInt()).isEqualTo(2);
        assertThat(s.path("duplicates").asInt()).isEqualTo(2);
        assertThat(s.path("eventsSent").asInt()).isEqualTo(20 * 2 + 2 + 2);
        assertThat(s.path("dynamoRecords").asLong()).isEqualTo(20);
        assertThat(s.path("firestoreRecords").asLong()).isEqualTo(20);
        assertThat(s.path("dlqMessages").asLong()).isEqualTo(2);
        assertThat(s.path("webhookDlqMessages").asLong()).isZero();
        assertThat(s.path("latency").path("p95Ms").asLong()).isPositive();
        assertThat(s.path("report").asText())
                .startsWith(project.resolve(".cva/local/outbox").toString());
        assertThat(s.path("problems")).isEmpty();
        assertThat(LocalState.read(project)).as("state file removed").isEmpty();
        assertNoChildrenLeft();
    }

    @Test
    @Timeout(180)
    void detachedStackIsFoundByOtherCommandsAndStopsCleanly() throws Exception {
        CliHarness.Result up = cva.run("local", "up", "--detach", "--json");
        try {
            assertThat(up.exitCode()).as(up.toString()).isZero();
            LocalState state = LocalState.read(project).orElseThrow();
            assertThat(state.parts())
                    .containsKeys(
                            "sqs",
                            "dynamodb",
                            "firestore",
                            "receiver",
                            "ses",
                            "lambda",
                            "processor",
                            "notifier",
                            "reporter");
            assertThat(state.parts().values())
                    .allSatisfy(p -> assertThat(p.url()).startsWith("http://127.0.0.1:"));
            // the stream mapping's on-failure queue is listed with the other queues, and exists
            assertThat(state.resource("streamFailureDlqUrl")).endsWith("/cv-analytics-notifier-stream-failures");
            CliHarness.Result dlqs = cva.run("replay-dlq", "--json");
            assertThat(dlqs.exitCode()).as(dlqs.toString()).isZero();
            assertThat(dlqs.out()).contains("\"alias\" : \"stream-failures\"");

            CliHarness.Result status = cva.run("local", "status", "--json");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out()).contains("\"healthy\" : true").doesNotContain("\"healthy\" : false");

            String id = UUID.randomUUID().toString();
            String early = "{\"eventType\":\"response\",\"requestId\":\"" + id + "\",\"timestamp\":1763980802350,"
                    + "\"matchType\":\"full\",\"matchScore\":90,\"reasoning\":\"sent before its query\"}";
            Files.writeString(project.resolve("response.json"), early);
            CliHarness.Result response = cva.run("events", "send", "response", "--data", "@response.json");
            assertThat(response.exitCode()).as(response.toString()).isZero();
            // the lone half waits in the interim table for its partner: the processor's role may park it there (a
            // PutItem its policy in infra/policies must grant; without it the half is retried into the DLQ)
            try (LocalClients clients = new LocalClients(state, LocalCredentials.read(project))) {
                long parkedBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!clients.requestIds("queryEventsTable").contains(id) && System.nanoTime() < parkedBy) {
                    Thread.sleep(200);
                }
                assertThat(clients.requestIds("queryEventsTable"))
                        .as("the early response parked")
                        .contains(id);
            }
            assertThat(cva.run("events", "send", "query", "--request-id", id, "--query", "Kubernetes?")
                            .exitCode())
                    .isZero();
            FirestoreRest firestore = new FirestoreRest(state.url("firestore"), state.resource("gcpProject"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!firestore.receivedAt().containsKey(id) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(firestore.receivedAt()).containsKey(id);
            // one trace end to end: the trace both halves were sent with is on the document, and on the lines of
            // every hop about this request (each line is written once its hop is done: wait for it, bounded)
            String trace = EventSender.traceId(id);
            assertThat(firestoreTraceId(state, id)).isEqualTo(trace);
            for (String service : List.of("processor", "notifier", "receiver")) {
                Path serviceLog = Path.of(state.resource("logs"), service + ".log");
                long loggedBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!tracedLine(serviceLog, id, trace) && System.nanoTime() < loggedBy) {
                    Thread.sleep(200);
                }
                assertThat(tracedLine(serviceLog, id, trace))
                        .as("a line of %s with requestId %s and traceId %s", service, id, trace)
                        .isTrue();
            }

            // IAM held on the way: every SQS call (ElasticMQ has no IAM of its own) went through the stack's gate and
            // was allowed by its caller's policy in infra/policies; the processor's mapping read with its own role
            List<JsonNode> calls = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of(state.resource("logs"), "aws-calls.jsonl"))) {
                calls.add(CvaContext.json().readTree(line));
            }
            assertThat(calls)
                    .allSatisfy(c -> assertThat(c.path("decision").asText())
                            .as(c.toString())
                            .isEqualTo("allowed"));
            assertThat(calls).anySatisfy(c -> {
                assertThat(c.path("principal").asText()).contains("assumed-role/cv-analytics-processor-role");
                assertThat(c.path("action").asText()).isEqualTo("sqs:ReceiveMessage");
                assertThat(c.path("resource").asText())
                        .endsWith(":" + state.resource("queueUrl").replaceAll(".*/", ""));
            });

            // every part listens on 127.0.0.1 only: from this machine's other addresses nothing answers
            List<java.net.InetAddress> others = nonLoopbackAddresses();
            for (LocalState.Part p : state.parts().values()) {
                for (java.net.InetAddress a : others) {
                    assertThat(connects(a, p.port()))
                            .as(p.name() + " on " + a.getHostAddress() + ":" + p.port())
                            .isFalse();
                }
            }

            // cva local env aims the AWS CLI at the stack, whatever credentials the user has
            CliHarness.Result env = cva.run("local", "env", "--shell", "json");
            assertThat(env.exitCode()).as(env.toString()).isZero();
            JsonNode vars = CvaContext.json().readTree(env.out());
            assertThat(vars.path("AWS_ENDPOINT_URL_DYNAMODB").asText()).isEqualTo(state.url("dynamodb"));
            assertThat(vars.path("FIRESTORE_EMULATOR_HOST").asText())
                    .isEqualTo(state.url("firestore").substring("http://".length()));
            assertThat(cva.run("local", "env").out())
                    .contains("export AWS_ENDPOINT_URL_SQS='" + state.url("sqs") + "'");
            if (Tools.available("aws", "the AWS CLI against the stack (apt-get install awscli)")) {
                // with the stack's own keys, as 'eval "$(cva local env)"' sets them, the AWS CLI has full access
                ProcessBuilder pb = new ProcessBuilder(
                        "aws",
                        "dynamodb",
                        "scan",
                        "--table-name",
                        state.resource("analyticsTable"),
                        "--select",
                        "COUNT",
                        "--output",
                        "json");
                vars.fields()
                        .forEachRemaining(e ->
                                pb.environment().put(e.getKey(), e.getValue().asText()));
                pb.environment().remove("AWS_SESSION_TOKEN");
                Process aws = pb.redirectErrorStream(true).start();
                String out = new String(aws.getInputStream().readAllBytes());
                assertThat(aws.waitFor()).as(out).isZero();
                assertThat(CvaContext.json().readTree(out).path("Count").asInt())
                        .as(out)
                        .isGreaterThanOrEqualTo(1);

                // keys the stack did not issue are refused as AWS refuses them
                pb.environment().put("AWS_ACCESS_KEY_ID", "AKIASOMEONEELSE");
                pb.environment().put("AWS_SECRET_ACCESS_KEY", "not-a-real-secret");
                Process stranger = pb.redirectErrorStream(true).start();
                String refused = new String(stranger.getInputStream().readAllBytes());
                assertThat(stranger.waitFor()).as(refused).isNotZero();
                assertThat(refused).contains("UnrecognizedClientException");
            }

            // a stand-in that dies makes the stack unhealthy: status exits 1 and names it
            ProcessHandle.of(state.parts().get("firestore").pid()).ifPresent(ProcessHandle::destroyForcibly);
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // a hang guard
            CliHarness.Result unhealthy;
            List<String> down = new ArrayList<>();
            do {
                Thread.sleep(100);
                unhealthy = cva.run("local", "status", "--json");
                down.clear();
                CvaContext.json().readTree(unhealthy.out()).path("parts").forEach(p -> {
                    if (!p.path("healthy").asBoolean()) {
                        down.add(p.path("name").asText());
                    }
                });
            } while (!down.contains("firestore") && System.nanoTime() < until);
            assertThat(unhealthy.exitCode()).as(unhealthy.toString()).isEqualTo(1);
            // the receiver's health check reads Firestore, so it reports the outage too; nothing else is down
            assertThat(down).contains("firestore").isSubsetOf("firestore", "receiver");
        } finally {
            CliHarness.Result down = cva.run("local", "down", "--json");
            assertThat(down.exitCode()).as(down.toString()).isZero();
        }
        LocalState gone = LocalState.read(project).orElse(null);
        assertThat(gone).isNull();
        assertThat(up.exitCode()).isZero();
        CliHarness.Result after = cva.run("local", "status");
        assertThat(after.exitCode()).isEqualTo(1);
        assertNoChildrenLeft();
    }

    @Test
    @Timeout(120)
    void aPartThatFailsToStartLeavesNothingRunning(@TempDir Path elsewhere) {
        // The processor's jar has no reporter handler: caught before anything starts.
        cva.env(
                "CVA_LOCAL_JAR_REPORTER",
                CliHarness.repoRoot()
                        .resolve("services/processor/target/processor-lambda.jar")
                        .toString());
        CliHarness.Result up = cva.run("local", "up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isEqualTo(1);
        assertThat(up.err()).contains("has no class dev.cva.reporter.ReporterHandler");
        assertThat(LocalState.read(project)).isEmpty();
        assertNoChildrenLeft();

        CliHarness.Result missing = new CliHarness(elsewhere).run("local", "up");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("not built", "./mvnw -DskipTests install");
    }

    @Test
    @Timeout(180)
    void aLatePartThatFailsStopsEverythingStartedBeforeIt() throws Exception {
        // the processor's handler names a method its class does not have: the runtime client's init fails after
        // SQS, DynamoDB, Firestore, the receiver and SES have started
        Path yaml = project.resolve("cva.yaml");
        Files.writeString(
                yaml,
                Files.readString(yaml)
                        .replace(
                                "dev.cva.processor.ProcessorHandler::handleRequest",
                                "dev.cva.processor.ProcessorHandler::noSuchMethod"));
        CliHarness.Result up = cva.run("local", "up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isEqualTo(1);
        assertThat(up.err()).contains("processor");
        assertThat(LocalState.read(project)).isEmpty();
        assertNoChildrenLeft();
    }

    static List<java.net.InetAddress> nonLoopbackAddresses() throws java.net.SocketException {
        List<java.net.InetAddress> out = new ArrayList<>();
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                java.util.Collections.list(nic.getInetAddresses()).stream()
                        .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                        .forEach(out::add);
            }
        }
        return out;
    }

    static boolean connects(java.net.InetAddress address, int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(address, port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The {@code traceId} field of the Firestore document {@code analytics/<id>}, read from the emulator's REST API. */
    private static String firestoreTraceId(LocalState state, String id) throws Exception {
        String url = state.url("firestore") + "/v1/projects/" + state.resource("gcpProject")
                + "/databases/(default)/documents/analytics/" + id;
        var r = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                .header("Authorization", "Bearer owner")
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.body())
                .path("fields")
                .path("traceId")
                .path("stringValue")
                .asText(null);
    }

    /** Whether {@code log} holds a JSON line with this requestId and traceId. */
    private static boolean tracedLine(Path log, String requestId, String traceId) throws java.io.IOException {
        if (!Files.isRegularFile(log)) {
            return false;
        }
        return Files.readAllLines(log).stream()
                .anyMatch(l -> l.contains("\"requestId\":\"" + requestId + "\"")
                        && l.contains("\"traceId\":\"" + traceId + "\""));
    }

    private static void assertNoChildrenLeft() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // a hang guard
        while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(ProcessHandle.current()
                        .descendants()
                        .filter(ProcessHandle::isAlive)
                        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                        .toList())
                .isEmpty();
    }
}
