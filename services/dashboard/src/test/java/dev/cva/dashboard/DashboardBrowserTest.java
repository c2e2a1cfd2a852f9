package dev.cva.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.functions.invoker.runner.Invoker;
import dev.cva.local.Child;
import dev.cva.local.FirestoreEmulator;
import dev.cva.local.FirestoreRulesTemplate;
import dev.cva.local.FunctionsInvoker;
import dev.cva.receiver.ReceiverFunction;
import dev.cva.testing.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard against real parts: Google's Firestore emulator (started as {@code cva local} starts it, with the
 * production rules rendered for this test's readers and loaded) and the receiver (the Functions Framework invoker on 127.0.0.1, as {@code cva local}
 * runs it). The checks themselves are node scripts in {@code e2e/}: the rules with @firebase/rules-unit-testing, and
 * the built page in Debian's headless Chromium driven by playwright-core. Screenshots go to
 * {@code target/e2e/}. {@code -Ddashboard.bench.webhooks=N} also times N webhooks (bench/dashboard.sh).
 * The tests share the emulator but not an order: the browser test stops it at its end, and each test starts it again
 * when it is not running.
 */
class DashboardBrowserTest {
    private static final String PROJECT = "demo-cva-dashboard";
    private static final Path MODULE =
            Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final Path PROJECT_ROOT = MODULE.resolve("../..").normalize();
    /**
     * The dashboard's readers these tests render the rules for, as cva.yaml might list them (any case): the browser
     * test signs in as the first, in lower case; the rules test reads as both.
     */
    private static final List<String> READERS = List.of("E2E@CV-Analytics.local", "second@example.com");

    private static final String DASHBOARD_EMAIL = "e2e@cv-analytics.local";
    private static final Path OUT = MODULE.resolve("target/e2e");
    private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path work;
    private static Child emulator;
    private static int emulatorPort;
    private static Child receiver;

    @BeforeAll
    static void startEmulator() throws IOException {
        // npm.sh skipped the build without Node.js (a warning); CI installs it and never skips
        boolean built = Files.isRegularFile(MODULE.resolve("dist/index.html"))
                && Files.isDirectory(MODULE.resolve("node_modules/@firebase/rules-unit-testing"));
        Tools.require(
                built,
                "the built dashboard (dist/ and node_modules/: Node.js 20.19+ with npm, see README, Requirements)",
                "the dashboard's rules and browser tests");
        Files.createDirectories(OUT);
        work = Files.createTempDirectory("cva-dashboard-test");
        runningEmulator();
    }

    /** Starts the emulator (on a new port) unless it is running: a test that stopped it leaves it stopped. */
    private static void runningEmulator() throws IOException {
        if (emulator != null && emulator.alive()) {
            return;
        }
        Path jar = new FirestoreEmulator(System.getenv(), Path.of(System.getProperty("user.home"))).locate();
        emulatorPort = freePort();
        emulator = FirestoreEmulator.start(jar, work, emulatorPort, PROJECT);
    }

    @AfterAll
    static void stopAll() {
        if (receiver != null) {
            receiver.stop();
        }
        if (emulator != null) {
            emulator.stop();
        }
    }

    @Test
    void theRulesLetOnlyListedVerifiedReadersReadAndNoClientWrite() throws Exception {
        runningEmulator();
        Path rules = OUT.resolve("firestore.rules");
        Files.writeString(rules, rules());
        Files.writeString(OUT.resolve("rules.log"), "READERS=" + String.join(",", READERS) + "\n");
        Process node = node(
                List.of("--test", "e2e/rules.test.mjs"),
                Map.of("RULES_PROJECT", PROJECT, "RULES_FILE", rules.toString(), "READERS", String.join(",", READERS)),
                OUT.resolve("rules.log"));
        assertThat(node.waitFor(120, TimeUnit.SECONDS))
                .as("the rules test ends within 120 s")
                .isTrue();
        String log = Files.readString(OUT.resolve("rules.log"));
        assertThat(node.exitValue()).as(log).isZero();
        assertThat(log).contains("# pass 6").contains("# fail 0");
    }

    @Test
    void theDashboardShowsTheDocumentsAndFollowsNewWebhooksInChromium() throws Exception {
        Tools.require(
                Files.isExecutable(Path.of(CHROMIUM)),
                "Chromium at " + CHROMIUM + " (apt-get install chromium, or CHROMIUM=<path>)",
                "the dashboard's browser test");
        runningEmulator();
        loadRules();
        String secret = "whsec_" + Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        int port = freePort();
        startReceiver(secret, port);

        Map<String, String> env = new HashMap<>();
        env.put("PROJECT", PROJECT);
        env.put("RECEIVER_URL", "http://127.0.0.1:" + port + "/");
        env.put("WEBHOOK_SECRET", secret);
        env.put("OUT_DIR", OUT.toString());
        env.put("CHROMIUM", CHROMIUM);
        env.put("BENCH_WEBHOOKS", System.getProperty("dashboard.bench.webhooks", "0"));
        env.put("DASHBOARD_EMAIL", DASHBOARD_EMAIL);
        Path log = OUT.resolve("e2e.log");
        Process node = node(List.of("e2e/dashboard.e2e.mjs"), env, log);
        // a hung browser must not hang the build: the whole script gets 5 minutes (a UTC midnight wait included)
        Thread watchdog = new Thread(
                () -> {
                    try {
                        if (!node.waitFor(300, TimeUnit.SECONDS)) {
                            node.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        node.destroyForcibly();
                    }
                },
                "e2e-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        // the script asks for the emulator to stop with a line on its stdout and waits for "stopped"
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("stop-emulator")) {
                    emulator.stop();
                    in.write("stopped\n");
                    in.flush();
                }
            }
        }
        boolean ended = node.waitFor(60, TimeUnit.SECONDS);
        node.destroyForcibly();
        String output = Files.readString(log);
        assertThat(ended)
                .as("the browser test ends within 60 s of its last line:\n" + output)
                .isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("all checks passed");
        assertThat(OUT.resolve("dashboard.png")).isNotEmptyFile();
        assertThat(OUT.resolve("dashboard-offline.png")).isNotEmptyFile();
        assertThat(OUT.resolve("dashboard-not-allowed.png")).isNotEmptyFile();
    }

    /** The receiver's rules template rendered for {@link #READERS}, as the local stack (and Terraform) render it. */
    private static String rules() throws IOException {
        return FirestoreRulesTemplate.renderFile(PROJECT_ROOT, READERS);
    }

    /** The rules the local stack and production use, loaded as the Firebase CLI and rules-unit-testing do. */
    private static void loadRules() throws Exception {
        String rules = rules();
        String body = "{\"rules\":{\"files\":[{\"name\":\"firestore.rules\",\"content\":" + jsonString(rules) + "}]}}";
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + emulatorPort + "/emulator/v1/projects/"
                                + PROJECT + ":securityRules"))
                        .timeout(Duration.ofSeconds(10))
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("loading the rules: " + r.body()).isEqualTo(200);
    }

    /** The receiver under the invoker on 127.0.0.1, from this test's class path (the reactor's classes). */
    private static void startReceiver(String secret, int port) throws Exception {
        Path invokerJar = Path.of(Invoker.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> command = FunctionsInvoker.command(
                invokerJar, Path.of(System.getProperty("java.class.path")), ReceiverFunction.class.getName(), port);
        receiver = Child.start(
                "receiver",
                command,
                Map.of(
                        "WEBHOOK_SECRET",
                        secret,
                        "FIRESTORE_PROJECT",
                        PROJECT,
                        "FIRESTORE_EMULATOR_HOST",
                        "127.0.0.1:" + emulatorPort,
                        "RECEIVER_WARMUP",
                        "true"),
                work.resolve("logs/receiver.log"));
        receiver.await(() -> healthy(port), Duration.ofSeconds(60), "GET /healthz answering 200");
    }

    private static boolean healthy(int port) {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Process node(List<String> args, Map<String, String> env, Path stderr) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("node"));
        command.addAll(args);
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(MODULE.toFile()).redirectError(stderr.toFile());
        pb.environment().put("FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + emulatorPort);
        pb.environment().putAll(env);
        if (args.contains("--test")) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        }
        return pb.start();
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
