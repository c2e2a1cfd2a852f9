package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.events.ChatEvents;
import dev.cva.cli.events.EventSender;
import dev.cva.cli.stackclient.ControlClient;
import dev.cva.cli.stackclient.FirestoreRest;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.local.LocalAws;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code cva deploy --env local} against one running stack (the packaged service jars, as
 * {@link LocalStackE2ETest}): no-change, deploys of rebuilt jars, a canary and its promotion, a rollback, a receiver
 * deploy that drops no request, and a broken processor build whose smoke test fails and which is rolled back while
 * events keep flowing, with every record delivered.
 *
 * <p>The stack is shared (started once), the tests are not ordered: each reads the revisions it starts from (the
 * live one, the newest one) and asserts relative to them, so any order (or one test alone) holds. Every test leaves
 * one live revision with all the traffic. Timeouts are hang guards only; the figures are bench/deploy-local.sh's.
 */
class LocalDeployE2ETest {
    @TempDir
    static Path project;

    private static CliHarness cva;
    private static LocalState state;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void upWithTheRepositoryServices() throws Exception {
        Path repo = CliHarness.repoRoot();
        assertThat(repo.resolve("services/processor/target/processor-lambda.jar"))
                .as("run ./mvnw package first")
                .isRegularFile();
        CliHarness.localCheckout(project);
        cva = new CliHarness(project).env("CVA_LOCAL_SES", "outbox");
        CliHarness.Result up = cva.run("local", "up", "--detach", "--json");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        state = LocalState.read(project).orElseThrow();
    }

    @AfterAll
    static void down() {
        if (cva != null) {
            cva.run("local", "down");
        }
    }

    @Test
    @Timeout(600)
    void processorNoChangeDeployCanaryPromoteAndRollback() throws Exception {
        // the live revision runs the repository's jar (revision 1 on a fresh stack; a failed deploy leaves it live):
        // the same jar again is no change
        int live = live("processor");
        long livePid =
                LocalState.read(project).orElseThrow().parts().get("processor").pid();
        // the live revision records its provenance as a deploy does (revision 1 from `cva local up` too: not version:
        // null)
        CliHarness.Result first = cva.run("status", "processor", "--env", "local", "--json");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        JsonNode firstRow = json(first).path("services").get(0);
        assertThat(firstRow.path("revision").asText()).isEqualTo(Integer.toString(live));
        assertThat(firstRow.path("version").asText())
                .as(first.toString())
                .isEqualTo(dev.cva.cli.bump.PomVersion.read(
                                Files.readString(project.resolve("services/processor/pom.xml")))
                        .orElseThrow());
        // the test's checkout is no git work tree: "unknown", as a deploy from it records
        assertThat(firstRow.path("gitSha").asText()).isEqualTo("unknown");
        CliHarness.Result same = cva.run("deploy", "processor", "--env", "local", "--reuse", "--json");
        assertThat(same.exitCode()).as(same.toString()).isEqualTo(4);
        assertThat(json(same).path("outcome").asText()).isEqualTo("no-change");
        assertThat(json(same).path("from").path("revision").asText()).isEqualTo(Integer.toString(live));

        int v2 = newest("processor") + 1;
        Path jar2 = rebuilt(project.resolve("services/processor/target/processor-lambda.jar"), "v2");
        CliHarness.Result deployed =
                cva.run("deploy", "processor", "--env", "local", "--artifact", jar2.toString(), "--json");
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        JsonNode d = json(deployed);
        assertThat(d.path("outcome").asText()).isEqualTo("deployed");
        assertThat(d.path("to").path("revision").asText()).isEqualTo(Integer.toString(v2));
        assertThat(d.path("smoke").path("passed").asBoolean())
                .as(deployed.toString())
                .isTrue();
        assertThat(d.path("traffic").toString()).isEqualTo("{\"" + v2 + "\":100}");
        awaitRevisions("processor", v2 + ":100:running", live + ":0:running"); // the old live stays as standby
        CliHarness.Result again = cva.run("deploy", "processor", "--env", "local", "--artifact", jar2.toString());
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(4);

        // status reads the provenance back
        CliHarness.Result status = cva.run("status", "processor", "--env", "local", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode row = json(status).path("services").get(0);
        assertThat(row.path("revision").asText()).isEqualTo(Integer.toString(v2));
        assertThat(row.path("version").asText()).isNotBlank();

        // canary: half the alias's invocations go to version 3, then promote
        int v3 = v2 + 1;
        Path jar3 = rebuilt(project.resolve("services/processor/target/processor-lambda.jar"), "v3");
        CliHarness.Result canary = cva.run(
                "deploy", "processor", "--env", "local", "--artifact", jar3.toString(), "--canary", "50", "--json");
        assertThat(canary.exitCode()).as(canary.toString()).isZero();
        awaitRevisions("processor", v3 + ":50:running", v2 + ":50:running", live + ":0:stopped");
        CliHarness.Result promote = cva.run("deploy", "promote", "processor", "--env", "local", "--json");
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        awaitRevisions("processor", v3 + ":100:running", v2 + ":0:running", live + ":0:stopped");
        // the Invoke API goes through the alias, and a qualifier reaches one version (a stopped one fails)
        assertThat(invoke("processor", null).statusCode()).isEqualTo(200);
        assertThat(invoke("processor", Integer.toString(live)).headers().firstValue("X-Amz-Function-Error"))
                .isPresent();

        // rollback: to the standby, which is running already (so it is instant: bench/deploy-local.sh times it)
        CliHarness.Result back = cva.run("rollback", "processor", "--env", "local", "--json");
        assertThat(back.exitCode()).as(back.toString()).isZero();
        assertThat(json(back).path("to").path("revision").asText()).isEqualTo(Integer.toString(v2));
        System.out.println(
                "processor rollback: " + json(back).path("durationMs").asLong() + " ms");
        awaitRevisions("processor", v3 + ":0:stopped", v2 + ":100:running", live + ":0:stopped");
        assertThat(LocalState.read(project)
                        .orElseThrow()
                        .parts()
                        .get("processor")
                        .pid())
                .as("the state file names the live instance")
                .isNotEqualTo(livePid);
    }

    @Test
    @Timeout(600)
    void receiverDeployDropsNoRequestAndRollsBackInstantly() throws Exception {
        int live = live("receiver");
        int r2 = newest("receiver") + 1;
        Path jar;
        try (var s = Files.list(project.resolve("services/receiver/target/deploy"))) {
            jar = s.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        Path rebuilt = rebuilt(jar, "r2");
        String front = state.url("receiver");
        AtomicBoolean run = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread load = new Thread(() -> {
            while (run.get()) {
                try {
                    HttpResponse<Void> r = HTTP.send(
                            HttpRequest.newBuilder(URI.create(front + "healthz"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else {
                        bad.add("HTTP " + r.statusCode());
                    }
                } catch (IOException e) {
                    bad.add(e.toString());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        load.start();
        try {
            awaitRequests(ok, 20, "before the deploy");
            CliHarness.Result deployed =
                    cva.run("deploy", "receiver", "--env", "local", "--artifact", rebuilt.toString(), "--json");
            assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
            assertThat(json(deployed).path("smoke").path("detail").asText()).contains("signed webhook 2"); // 2xx
            awaitRevisions("receiver", r2 + ":100:running", live + ":0:running");
            // back to the standby by name: without --to, rollback takes the revision listed before the live one, which
            // after a failed (automatically rolled back) receiver deploy is that failed revision, not the standby
            CliHarness.Result back =
                    cva.run("rollback", "receiver", "--to", Integer.toString(live), "--env", "local", "--json");
            assertThat(back.exitCode()).as(back.toString()).isZero();
            assertThat(json(back).path("to").path("revision").asText()).isEqualTo(Integer.toString(live));
            System.out.println(
                    "receiver rollback: " + json(back).path("durationMs").asLong() + " ms");
            // requests keep going through the front after the rollback: it answers from the live revision again
            awaitRequests(ok, ok.get() + 20, "after the rollback");
        } finally {
            run.set(false);
            load.join();
        }
        assertThat(bad)
                .as("requests through the front during deploy and rollback")
                .isEmpty();
        assertThat(ok.get()).isPositive();
        assertThat(LocalState.read(project).orElseThrow().url("receiver")).isEqualTo(front);
    }

    @Test
    @Timeout(600)
    void brokenBuildFailsItsSmokeTestAndIsRolledBackWithNoRecordLost() throws Exception {
        int live = live("processor");
        int brokenRevision = newest("processor") + 1;
        Path broken = brokenProcessor();
        List<String> ids = new ArrayList<>();
        AtomicBoolean run = new AtomicBoolean(true);
        Thread events;
        try (SqsClient sqs = LocalAws.sqs(
                URI.create(state.url("sqs")),
                state.resource("region"),
                LocalCredentials.read(project).provider())) {
            EventSender sender = new EventSender(sqs, state.resource("queueUrl"));
            events = new Thread(() -> {
                while (run.get()) {
                    String id = ChatEvents.newRequestId();
                    long t = System.currentTimeMillis();
                    sender.send(ChatEvents.query(id, t, "Kubernetes?", null));
                    sender.send(ChatEvents.response(id, t + 1, "full", 90, "deploy test"));
                    synchronized (ids) {
                        ids.add(id);
                    }
                    dev.cva.local.Child.sleep(100);
                }
            });
            events.start();
            CliHarness.Result r;
            try {
                awaitSent(ids, 10); // events flow before the deploy...
                r = cva.run("deploy", "processor", "--env", "local", "--artifact", broken.toString(), "--json");
                awaitSent(ids, sent(ids) + 20); // ...and after the rollback
            } finally {
                run.set(false);
                events.join();
            }
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            JsonNode d = json(r);
            assertThat(d.path("outcome").asText()).isEqualTo("rolled-back");
            assertThat(d.path("smoke").path("passed").asBoolean()).isFalse();
            assertThat(d.path("reason").asText()).contains("smoke test failed", "broken build");
            assertThat(d.path("traffic").toString()).isEqualTo("{\"" + live + "\":100}");
            awaitRevisions("processor", brokenRevision + ":0:stopped", live + ":100:running");
        }
        // every conversation sent while the broken version came and went reaches Firestore through the receiver
        FirestoreRest firestore = new FirestoreRest(state.url("firestore"), state.resource("gcpProject"));
        long deadline = System.nanoTime() + HANG_GUARD.toNanos(); // ends when nothing is missing
        List<String> missing;
        do {
            Thread.sleep(500);
            Map<String, Long> got = firestore.receivedAt();
            missing = ids.stream().filter(id -> !got.containsKey(id)).toList();
        } while (!missing.isEmpty() && System.nanoTime() < deadline);
        assertThat(ids).hasSizeGreaterThan(30);
        assertThat(missing).as("records lost of " + ids.size()).isEmpty();
        try (SqsClient sqs = LocalAws.sqs(
                URI.create(state.url("sqs")),
                state.resource("region"),
                LocalCredentials.read(project).provider())) {
            String dlq = sqs.getQueueAttributes(b -> b.queueUrl(state.resource("dlqUrl"))
                            .attributeNamesWithStrings("ApproximateNumberOfMessages"))
                    .attributesAsStrings()
                    .get("ApproximateNumberOfMessages");
            assertThat(dlq).isEqualTo("0");
        }
    }

    @Test
    @Timeout(600)
    void brokenReceiverBuildFailsItsSmokeTestAndTrafficStaysOnTheLiveRevision() throws Exception {
        String front = state.url("receiver");
        int live = live("receiver");
        int brokenRevision = newest("receiver") + 1;

        CliHarness.Result r = cva.run(
                "deploy",
                "receiver",
                "--env",
                "local",
                "--artifact",
                brokenReceiver().toString(),
                "--json");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        JsonNode d = json(r);
        assertThat(d.path("outcome").asText()).isEqualTo("rolled-back");
        assertThat(d.path("smoke").path("passed").asBoolean()).isFalse();
        assertThat(d.path("reason").asText()).contains("smoke test failed", "500");
        assertThat(d.path("traffic").toString()).isEqualTo("{\"" + live + "\":100}");
        awaitRevisions("receiver", brokenRevision + ":0:stopped", live + ":100:running");
        // the front still answers from the live revision, whose /healthz reads Firestore (the broken one's does not)
        HttpResponse<String> health = HTTP.send(
                HttpRequest.newBuilder(URI.create(front + "healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).doesNotContain("broken build");
        assertThat(LocalState.read(project).orElseThrow().url("receiver")).isEqualTo(front);
    }

    /** A receiver whose /healthz answers 200 and every webhook 500: it starts, and only its smoke test finds it out. */
    static Path brokenReceiver() throws IOException {
        return oneClassJar(
                "broken-receiver",
                "dev.cva.receiver.ReceiverFunction",
                """
                package dev.cva.receiver;
                import com.google.cloud.functions.HttpFunction;
                import com.google.cloud.functions.HttpRequest;
                import com.google.cloud.functions.HttpResponse;
                public class ReceiverFunction implements HttpFunction {
                    @Override
                    public void service(HttpRequest request, HttpResponse response) throws Exception {
                        boolean health = request.getPath().endsWith("/healthz");
                        response.setStatusCode(health ? 200 : 500);
                        response.setContentType("application/json");
                        response.getWriter().write(health ? "{\\"status\\":\\"ok (broken build)\\"}"
                                : "{\\"error\\":\\"broken build\\"}");
                    }
                }
                """,
                CliHarness.repoRoot().resolve("cli/target/runtimes/java-function-invoker.jar"),
                "receiver.jar");
    }

    /** How long a wait for a state that comes within seconds may last before the test fails instead of hanging. */
    private static final Duration HANG_GUARD = Duration.ofMinutes(3);

    /**
     * Waits (a version left without traffic drains, then stops) until each {@code id:weight:running|stopped} in
     * {@code expected} is listed as given and every other revision is {@code 0:stopped}.
     */
    private static void awaitRevisions(String service, String... expected) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (!asExpected(revisions(service), expected) && System.nanoTime() < deadline) {
            dev.cva.local.Child.sleep(100);
        }
        List<String> now = revisions(service);
        assertThat(now).as("revisions of %s", service).contains(expected);
        List<String> named = java.util.Arrays.stream(expected)
                .map(e -> e.substring(0, e.indexOf(':') + 1))
                .toList();
        assertThat(now.stream().filter(r -> named.stream().noneMatch(r::startsWith)))
                .as("the other revisions of %s: %s", service, now)
                .allMatch(r -> r.endsWith(":0:stopped"));
    }

    private static boolean asExpected(List<String> listing, String... expected) {
        List<String> named = java.util.Arrays.stream(expected)
                .map(e -> e.substring(0, e.indexOf(':') + 1))
                .toList();
        return listing.containsAll(List.of(expected))
                && listing.stream()
                        .filter(r -> named.stream().noneMatch(r::startsWith))
                        .allMatch(r -> r.endsWith(":0:stopped"));
    }

    /** The revision with all the traffic (each test leaves one). */
    private static int live(String service) {
        List<String> live = revisions(service).stream()
                .filter(r -> r.contains(":100:running"))
                .toList();
        assertThat(live).as("one live revision of %s", service).hasSize(1);
        return Integer.parseInt(live.get(0).substring(0, live.get(0).indexOf(':')));
    }

    /** The highest revision id so far: the next deploy gets the one after it. */
    private static int newest(String service) {
        return revisions(service).stream()
                .mapToInt(r -> Integer.parseInt(r.substring(0, r.indexOf(':'))))
                .max()
                .orElseThrow();
    }

    /** Waits until {@code ok} has counted {@code atLeast} answered requests (a signal, not a pause). */
    private static void awaitRequests(AtomicInteger ok, int atLeast, String when) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (ok.get() < atLeast && System.nanoTime() < deadline) {
            dev.cva.local.Child.sleep(10);
        }
        assertThat(ok.get()).as("requests answered %s", when).isGreaterThanOrEqualTo(atLeast);
    }

    private static int sent(List<String> ids) {
        synchronized (ids) {
            return ids.size();
        }
    }

    /** Waits until the event thread has sent {@code atLeast} conversations. */
    private static void awaitSent(List<String> ids, int atLeast) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (sent(ids) < atLeast && System.nanoTime() < deadline) {
            dev.cva.local.Child.sleep(50);
        }
        assertThat(sent(ids)).as("conversations sent").isGreaterThanOrEqualTo(atLeast);
    }

    /** id:weight:running|stopped of each revision, newest first, as the stack lists them. */
    private static List<String> revisions(String service) {
        JsonNode listing = ControlClient.of(state, project).get("/revisions/" + service);
        List<String> out = new ArrayList<>();
        listing.path("revisions")
                .forEach(r -> out.add(r.path("id").asText() + ":"
                        + r.path("weight").asInt() + ":" + (r.path("running").asBoolean() ? "running" : "stopped")));
        return out;
    }

    private static HttpResponse<String> invoke(String function, String qualifier) throws Exception {
        String name = "cv-analytics-" + function + (qualifier == null ? "" : ":" + qualifier);
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(state.url("lambda") + LambdaEndpoint.PREFIX + name + "/invocations"))
                        .POST(HttpRequest.BodyPublishers.ofString(new String(
                                dev.cva.cli.deploy.SmokeEvents.forService(function, state.resource("region")),
                                StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The same jar with other bytes, as a rebuild gives: the end-of-central-directory record gets a comment (its
     * last two bytes are the comment's length), so the entries stay as they are.
     */
    static Path rebuilt(Path jar, String tag) throws IOException {
        byte[] bytes = Files.readAllBytes(jar);
        int eocd = bytes.length - 22;
        assertThat(ByteBuffer.wrap(bytes, eocd, 4)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getInt())
                .as("EOCD of " + jar)
                .isEqualTo(0x06054b50);
        byte[] comment = ("cva test rebuild " + tag).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer.wrap(bytes, bytes.length - 2, 2)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) comment.length);
        Path out = project.resolve(tag + "-" + jar.getFileName());
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(bytes);
            o.write(comment);
        }
        return out;
    }

    /** A jar whose ProcessorHandler throws on every invocation (and nothing else). */
    static Path brokenProcessor() throws IOException {
        return oneClassJar("broken", "dev.cva.processor.ProcessorHandler", """
                package dev.cva.processor;
                public class ProcessorHandler {
                    public java.util.Map<String, Object> handleRequest(java.util.Map<String, Object> event) {
                        throw new IllegalStateException("broken build: every invocation fails");
                    }
                }
                """, null, "processor-lambda.jar");
    }

    /** A jar of one class compiled from {@code source} (against {@code classpath}, if given), in {@code dir}. */
    static Path oneClassJar(String dir, String className, String source, Path classpath, String jarName)
            throws IOException {
        String path = className.replace('.', '/');
        Path src = project.resolve(dir + "/src/" + path + ".java");
        Path classes = project.resolve(dir + "/classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
        if (classpath != null) {
            args.addAll(List.of("-cp", classpath.toString()));
        }
        args.add(src.toString());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).isZero();
        Path jar = project.resolve(dir + "/" + jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry(path + ".class"));
            out.write(Files.readAllBytes(classes.resolve(path + ".class")));
            out.closeEntry();
        }
        return jar;
    }

    private static JsonNode json(CliHarness.Result r) throws IOException {
        return CvaContext.json().readTree(r.out());
    }
}
