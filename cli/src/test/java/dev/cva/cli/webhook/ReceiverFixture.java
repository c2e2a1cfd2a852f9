package dev.cva.cli.webhook;

import dev.cva.cli.CliHarness;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The REAL receiver: its deployable jar ({@code services/receiver/target/deploy}) served by the Functions Framework
 * invoker, and Google's Firestore emulator behind it, both as child processes on free loopback ports. Start once
 * per test class; {@link #close()} kills both.
 */
final class ReceiverFixture implements AutoCloseable {
    static final String PROJECT = "demo-cva-cli-webhook";
    private static final String EMULATOR_MAIN = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";
    private static final String INVOKER_MAIN = "com.google.cloud.functions.invoker.runner.Invoker";
    private static final String TARGET = "dev.cva.receiver.ReceiverFunction";

    private final Child emulator;
    private final Child receiver;
    private final int port;

    private ReceiverFixture(Child emulator, Child receiver, int port) {
        this.emulator = emulator;
        this.receiver = receiver;
        this.port = port;
    }

    /** Starts the emulator, then the receiver configured with {@code secret} and {@code extraEnv}. */
    static ReceiverFixture start(String secret, Map<String, String> extraEnv) {
        Path root = CliHarness.repoRoot();
        Path receiverJar = receiverJar(root);
        Path invokerJar = invokerJar(root);
        Path emulatorJar = emulatorJar();
        int emulatorPort = freePort();
        Child emulator = Child.start("firestore-emulator", List.of(java(), "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-cp", emulatorJar.toString(), EMULATOR_MAIN, "start", "--host=127.0.0.1", "--port=" + emulatorPort,
                "--project_id=" + PROJECT), Map.of(), "Dev App Server is now running");
        try {
            int port = freePort();
            Map<String, String> env = new java.util.HashMap<>(Map.of(
                    "WEBHOOK_SECRET", secret,
                    "FIRESTORE_PROJECT", PROJECT,
                    "FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + emulatorPort));
            env.putAll(extraEnv);
            Child receiver = Child.start("receiver", List.of(java(), "-Xmx512m", "-cp", invokerJar.toString(), INVOKER_MAIN,
                    "--port", Integer.toString(port), "--target", TARGET, "--classpath", receiverJar.toString()), env, null);
            ReceiverFixture fixture = new ReceiverFixture(emulator, receiver, port);
            fixture.awaitHealthy();
            return fixture;
        } catch (RuntimeException e) {
            emulator.close();
            throw e;
        }
    }

    String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** The receiver's recent log lines, for assertion messages. */
    String log() {
        return receiver.tail();
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "healthz")).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!receiver.process.isAlive()) {
                close();
                throw new IllegalStateException("the receiver exited (" + receiver.process.exitValue() + "); its output:\n" + receiver.tail());
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException("the receiver did not answer GET /healthz within 90 s; its output:\n" + receiver.tail());
    }

    @Override
    public void close() {
        receiver.close();
        emulator.close();
    }

    static Path receiverJar(Path root) {
        Path dir = root.resolve("services/receiver/target/deploy");
        String hint = "the receiver's deployable jar is not built: run `./mvnw -pl services/receiver -am install` "
                + "(./mvnw verify packages it before the CLI's tests run)";
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(hint + " [missing " + dir + "]");
        }
        try (Stream<Path> jars = Files.list(dir)) {
            List<Path> found = jars.filter(p -> p.toString().endsWith(".jar")).toList();
            if (found.size() != 1) {
                throw new IllegalStateException(hint + " [expected one jar in " + dir + ", found " + found + "]");
            }
            return found.get(0);
        } catch (IOException e) {
            throw new IllegalStateException(hint, e);
        }
    }

    static Path invokerJar(Path root) {
        String dir = System.getProperty("cva.runtimes.dir");
        Path jar = (dir != null ? Path.of(dir) : root.resolve("cli/target/runtimes")).resolve("java-function-invoker.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the Functions Framework invoker is missing at " + jar
                    + ": run `./mvnw -pl cli generate-resources` (the build copies it to cli/target/runtimes)");
        }
        return jar;
    }

    static Path emulatorJar() {
        String override = System.getenv("FIRESTORE_EMULATOR_JAR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String hint = "Google's Firestore emulator is needed: install google-cloud-cli with `gcloud components install "
                + "cloud-firestore-emulator` (or the apt package google-cloud-cli-firestore-emulator), or set FIRESTORE_EMULATOR_JAR";
        try {
            Process gcloud = new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)").start();
            String sdk = new String(gcloud.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            gcloud.waitFor(60, TimeUnit.SECONDS);
            Path jar = Path.of(sdk, "platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar");
            if (sdk.isEmpty() || !Files.isRegularFile(jar)) {
                throw new IllegalStateException(hint + " [not found under '" + sdk + "']");
            }
            return jar;
        } catch (IOException e) {
            throw new IllegalStateException(hint + " [gcloud: " + e.getMessage() + "]", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(hint, e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A child process whose output is drained into a bounded tail. */
    private static final class Child implements AutoCloseable {
        final String name;
        final Process process;
        final Deque<String> tail = new ArrayDeque<>();

        private Child(String name, Process process) {
            this.name = name;
            this.process = process;
        }

        static Child start(String name, List<String> command, Map<String, String> env, String readyLine) {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException("could not start " + name + ": " + e.getMessage(), e);
            }
            Child child = new Child(name, p);
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            CountDownLatch ready = new CountDownLatch(readyLine == null ? 0 : 1);
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (child.tail) {
                            child.tail.addLast(line);
                            if (child.tail.size() > 200) {
                                child.tail.removeFirst();
                            }
                        }
                        if (readyLine != null && line.contains(readyLine)) {
                            ready.countDown();
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, name + "-output");
            pump.setDaemon(true);
            pump.start();
            try {
                if (!ready.await(90, TimeUnit.SECONDS)) {
                    child.close();
                    throw new IllegalStateException(name + " was not ready within 90 s; its output:\n" + child.tail());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.close();
                throw new IllegalStateException("interrupted while starting " + name, e);
            }
            return child;
        }

        String tail() {
            synchronized (tail) {
                return String.join("\n", tail);
            }
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
