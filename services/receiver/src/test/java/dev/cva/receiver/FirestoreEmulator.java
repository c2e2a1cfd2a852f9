package dev.cva.receiver;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.local.Child;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Google's Firestore emulator (the gcloud component), started once per test JVM as a child process and
 * killed when the JVM's tests end. Not a mock: the receiver talks gRPC to it like to Firestore.
 */
public final class FirestoreEmulator implements AutoCloseable {
    public static final String PROJECT = "demo-cva-receiver-test";

    private final Child process;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Firestore client;

    private FirestoreEmulator(Child process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Found and started by the local runtime's launcher, as `cva local` does it. */
    public static FirestoreEmulator start() {
        try {
            Path work = Files.createTempDirectory("cva-firestore-test");
            Path jar = new dev.cva.local.FirestoreEmulator(System.getenv(), work).locate();
            int port = freePort();
            Child child = dev.cva.local.FirestoreEmulator.start(jar, work, port, PROJECT);
            Runtime.getRuntime().addShutdownHook(new Thread(child::stop));
            return new FirestoreEmulator(child, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a work folder for the Firestore emulator", e);
        }
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
                        ReceiverConfig.FIRESTORE_EMULATOR_HOST, hostPort()))
                .withStoreTimeout(STORE_TIMEOUT);
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
    /**
     * The store timeout of the tests that are not about outages: production's 5 s (2.5 s per RPC) is a deadline a
     * busy machine's emulator misses (seen at a load average of 18), which would test the machine, not the code.
     * The outage tests set their own, short timeouts.
     */
    public static final Duration STORE_TIMEOUT = Duration.ofMinutes(1);

    public synchronized Firestore client() {
        if (client == null) {
            client = FirestoreAnalyticsStore.connect(config(WebhookSecret.random()));
        }
        return client;
    }

    /** Deletes every document of the test project. */
    public void reset() {
        HttpRequest delete = HttpRequest.newBuilder(URI.create(
                        "http://" + hostPort() + "/emulator/v1/projects/" + PROJECT + "/databases/(default)/documents"))
                .timeout(Duration.ofSeconds(10))
                .DELETE()
                .build();
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
            for (QueryDocumentSnapshot d :
                    client().collection(FirestoreAnalyticsStore.ANALYTICS).get().get(10, TimeUnit.SECONDS)) {
                ids.add(d.getId());
            }
            return ids;
        } catch (Exception e) {
            throw new IllegalStateException("could not list analytics: " + e, e);
        }
    }

    public Optional<Map<String, Object>> analytics(String requestId) {
        try {
            DocumentSnapshot d = client().collection(FirestoreAnalyticsStore.ANALYTICS)
                    .document(requestId)
                    .get()
                    .get(10, TimeUnit.SECONDS);
            return d.exists() ? Optional.of(d.getData()) : Optional.empty();
        } catch (Exception e) {
            throw new IllegalStateException("could not read analytics/" + requestId + ": " + e, e);
        }
    }

    /** The sum of each integer counter field over all shards of {@code day} (yyyy-mm-dd); see {@link #scoreSum}. */
    public Map<String, Long> counters(String day) {
        Map<String, Long> sums = new HashMap<>();
        for (Map<String, Object> shard : shards(day)) {
            shard.forEach((k, v) -> {
                if (v instanceof Long n) {
                    sums.merge(k, n, Long::sum);
                }
            });
        }
        return sums;
    }

    /** The text fields of the shards of {@code day} (the top-queries sketch's latest texts). */
    public Map<String, String> texts(String day) {
        Map<String, String> texts = new HashMap<>();
        for (Map<String, Object> shard : shards(day)) {
            shard.forEach((k, v) -> {
                if (v instanceof String text) {
                    texts.put(k, text);
                }
            });
        }
        return texts;
    }

    /** The sum of {@code scoreSum} over the shards of {@code day}. */
    public double scoreSum(String day) {
        double sum = 0;
        for (Map<String, Object> shard : shards(day)) {
            if (shard.get(DailyRollup.SCORE_SUM) instanceof Number n) {
                sum += n.doubleValue();
            }
        }
        return sum;
    }

    private List<Map<String, Object>> shards(String day) {
        List<Map<String, Object>> shards = new ArrayList<>();
        try {
            for (QueryDocumentSnapshot shard : client().collection(FirestoreAnalyticsStore.STATS)
                    .document(day)
                    .collection(FirestoreAnalyticsStore.SHARDS)
                    .get()
                    .get(10, TimeUnit.SECONDS)) {
                shards.add(shard.getData());
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not read stats/" + day + ": " + e, e);
        }
        return shards;
    }

    /** Every stats day that has shards (a collection-group query over "shards"). */
    public long totalCounted() {
        try {
            long total = 0;
            for (QueryDocumentSnapshot shard : client().collectionGroup(FirestoreAnalyticsStore.SHARDS)
                    .get()
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
        process.stop();
    }
}
