package dev.cva.cli.webhook;

import dev.cva.cli.CliHarness;
import dev.cva.local.Child;
import dev.cva.local.FirestoreEmulator;
import dev.cva.local.FunctionsInvoker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The REAL receiver: its deployable jar ({@code services/receiver/target/deploy}) served by the Functions Framework
 * invoker, and Google's Firestore emulator behind it, both as child processes on free loopback ports, started the
 * way {@code cva local} starts them (the local runtime's launchers). Start once per test class; {@link #close()}
 * stops both.
 */
final class ReceiverFixture implements AutoCloseable {
    static final String PROJECT = "demo-cva-cli-webhook";
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
        Path work;
        try {
            work = Files.createTempDirectory("cva-receiver-fixture");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Path emulatorJar = new FirestoreEmulator(System.getenv(), work).locate();
        int emulatorPort = Child.freePort();
        Child emulator = FirestoreEmulator.start(emulatorJar, work, emulatorPort, PROJECT);
        try {
            int port = Child.freePort();
            Map<String, String> env = new java.util.HashMap<>(Map.of(
                    "WEBHOOK_SECRET", secret,
                    "FIRESTORE_PROJECT", PROJECT,
                    "FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + emulatorPort));
            env.putAll(extraEnv);
            Child receiver = Child.start(
                    "receiver",
                    FunctionsInvoker.command(invokerJar, receiverJar, TARGET, port),
                    env,
                    work.resolve("logs/receiver.log"));
            ReceiverFixture fixture = new ReceiverFixture(emulator, receiver, port);
            try {
                receiver.await(fixture::healthy, Duration.ofSeconds(90), "GET /healthz = 200");
            } catch (RuntimeException e) {
                fixture.close();
                throw e;
            }
            return fixture;
        } catch (RuntimeException e) {
            emulator.stop();
            throw e;
        }
    }

    String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** The receiver's recent log lines, for assertion messages. */
    String log() {
        return receiver.tail(200);
    }

    private boolean healthy() {
        try {
            return HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(url() + "healthz"))
                                            .timeout(Duration.ofSeconds(5))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        receiver.stop();
        emulator.stop();
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
        Path jar =
                (dir != null ? Path.of(dir) : root.resolve("cli/target/runtimes")).resolve("java-function-invoker.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the Functions Framework invoker is missing at " + jar
                    + ": run `./mvnw -pl cli generate-resources` (the build copies it to cli/target/runtimes)");
        }
        return jar;
    }
}
