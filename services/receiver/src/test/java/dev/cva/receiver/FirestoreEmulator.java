package dev.cva.receiver;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.cva.contracts.webhook.WebhookSecret;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Google's Firestore emulator (the gcloud component), started once per test JVM as a child process and
 * killed when the JVM's tests end. Not a mock: the receiver talks gRPC to it like to Firestore.
 */
public final class FirestoreEmulator implements AutoCloseable {
    public static final String PROJECT = "demo-cva-receiver-test";
    private static final String MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";
    private static final String INSTALL_HINT = "Install Google's Firestore emulator: `gcloud components install "
            + "cloud-firestore-emulator` or the apt package `google-cloud-cli-firestore-emulator` "
            + "(or point FIRESTORE_EMULATOR_JAR at cloud-firestore-emulator.jar).";

    private final Process process;
    private final int port;
    private final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Firestore client;

    private FirestoreEmulator(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static FirestoreEmulator start() {
        Path jar = locateJar();
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", jar.toString(),
                MAIN_CLASS, "start", "--host=127.0.0.1", "--port=" + port, "--project_id=" + PROJECT)
                .redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the Firestore emulator: " + e.getMessage(), e);
        }
        FirestoreEmulator emulator = new FirestoreEmulator(p, port);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        CountDownLatch ready = new CountDownLatch(1);
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (emulator.output.size() < 500) {
                        emulator.output.add(line);
                    }
                    if (line.contains("Dev App Server is now running")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "firestore-emulator-output");
        pump.setDaemon(true);
        pump.start();
        try {
            if (!ready.await(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the Firestore emulator did not start within 60 s; its output:\n"
                        + String.join("\n", emulator.output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while starting the Firestore emulator", e);
        }
        return emulator;
    }

    static Path locateJar() {
        String override = System.getenv("FIRESTORE_EMULATOR_JAR");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("FIRESTORE_EMULATOR_JAR=" + override + " is not a file. " + INSTALL_HINT);
            }
            return p;
        }
        String sdkRoot;
        try {
            Process gcloud = new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)")
                    .redirectErrorStream(false).start();
            sdkRoot = new String(gcloud.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!gcloud.waitFor(60, TimeUnit.SECONDS) || gcloud.exitValue() != 0 || sdkRoot.isEmpty()) {
                throw new IllegalStateException("`gcloud info` failed; is the Google Cloud CLI installed? " + INSTALL_HINT);
            }
        } catch (IOException e) {
            throw new IllegalStateException("gcloud is not on the PATH (" + e.getMessage() + "). Install the Google "
                    + "Cloud CLI, then: " + INSTALL_HINT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running gcloud", e);
        }
        Path jar = Path.of(sdkRoot, "platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the Firestore emulator is not installed under " + sdkRoot + ". " + INSTALL_HINT);
        }
        return jar;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** A receiver configuration pointing at this emulator, with every other setting at its default. */
    public ReceiverConfig config(WebhookSecret secret) {
        return ReceiverConfig.fromEnv(Map.of(
                ReceiverConfig.WEBHOOK_SECRET, secret.reveal(),
                ReceiverConfig.FIRESTORE_PROJECT, PROJECT,
                ReceiverConfig.FIRESTORE_EMULATOR_HOST, hostPort()));
    }

    /** The environment the no-arg constructor reads, pointing at this emulator. */
    public Map<String, String> env(WebhookSecret secret) {
        Map<String, String> env = new HashMap<>();
        env.put(ReceiverConfig.WEBHOOK_SECRET, secret.reveal());
        env.put(ReceiverConfig.FIRESTORE_PROJECT, PROJECT);
        env.put(ReceiverConfig.FIRESTORE_EMULATOR_HOST, hostPort());
        return env;
    }

    /** A client of this emulator for assertions. */
    public synchronized Firestore client() {
        if (client == null) {
            client = FirestoreAnalyticsStore.connect(config(WebhookSecret.random()));
        }
        return client;
    }

    /** Deletes every document of the test project. */
    public void reset() {
        HttpRequest delete = HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/emulator/v1/projects/"
                + PROJECT + "/databases/(default)/documents")).timeout(Duration.ofSeconds(10)).DELETE().build();
        try {
            HttpResponse<String> r = http.send(delete, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("emulator reset answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("emulator reset failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public List<String> analyticsIds() {
        try {
            List<String> ids = new ArrayList<>();
            for (QueryDocumentSnapshot d : client().collection(FirestoreAnalyticsStore.ANALYTICS).get().get(10, TimeUnit.SECONDS)) {
                ids.add(d.getId());
            }
            return ids;
        } catch (Exception e) {
            throw new IllegalStateException("could not list analytics: " + e, e);
        }
    }

    public Optional<Map<String, Object>> analytics(String requestId) {
        try {
            DocumentSnapshot d = client().collection(FirestoreAnalyticsStore.ANALYTICS).document(requestId).get()
                    .get(10, TimeUnit.SECONDS);
            return d.exists() ? Optional.of(d.getData()) : Optional.empty();
        } catch (Exception e) {
            throw new IllegalStateException("could not read analytics/" + requestId + ": " + e, e);
        }
    }

    /** The sum of each counter field over all shards of {@code day} (yyyy-mm-dd). */
    public Map<String, Long> counters(String day) {
        Map<String, Long> sums = new HashMap<>();
        try {
            for (QueryDocumentSnapshot shard : client().collection(FirestoreAnalyticsStore.STATS).document(day)
                    .collection(FirestoreAnalyticsStore.SHARDS).get().get(10, TimeUnit.SECONDS)) {
                shard.getData().forEach((k, v) -> {
                    if (v instanceof Number n) {
                        sums.merge(k, n.longValue(), Long::sum);
                    }
                });
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not read stats/" + day + ": " + e, e);
        }
        return sums;
    }

    /** Every stats day that has shards (a collection-group query over "shards"). */
    public long totalCounted() {
        try {
            long total = 0;
            for (QueryDocumentSnapshot shard : client().collectionGroup(FirestoreAnalyticsStore.SHARDS).get()
                    .get(10, TimeUnit.SECONDS)) {
                Long t = shard.getLong("total");
                total += t == null ? 0 : t;
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException("could not read shards: " + e, e);
        }
    }

    @Override
    public void close() {
        if (client != null) {
            try {
                client.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
