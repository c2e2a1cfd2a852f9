// Benchmark of the receiver Cloud Function (not a test). Run through bench/receiver.sh, which builds the
// deploy jar and passes the module's test classpath:
//   java -cp "$CP" bench/receiver/ReceiverBench.java --deploy-jar services/receiver/target/deploy/cva-receiver-0.1.0.jar
// Prints: cold start of the invoker child process serving the packaged jar (to first /healthz 200 and to
// first stored POST), sustained fixed-rate throughput with p50/p99 latency against Google's Firestore
// emulator (loopback only), and signature verification alone.

import dev.cva.contracts.Contract;
import dev.cva.contracts.Examples;
import dev.cva.contracts.webhook.Scheme;
import dev.cva.contracts.webhook.Verification;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookSigner;
import dev.cva.contracts.webhook.WebhookVerifier;
import java.io.BufferedReader;
import java.io.File;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

public class ReceiverBench {
    static final String PROJECT = "demo-cva-receiver-bench";
    static final String INVOKER = "com.google.cloud.functions.invoker.runner.Invoker";
    static final Path LOG = Path.of(System.getProperty("java.io.tmpdir"), "receiver-bench-invoker.log");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("--rate", "200", "--seconds", "10", "--cold-runs", "3",
                "--warmup-seconds", "3", "--verify-ops", "200000"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        Path deployJar = Path.of(require(opts, "--deploy-jar"));
        if (!Files.isRegularFile(deployJar)) {
            throw new IllegalArgumentException("no deploy jar at " + deployJar + "; build it with ./mvnw -pl services/receiver -am package");
        }
        String invokerJar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.contains("java-function-invoker")).findFirst()
                .orElseThrow(() -> new IllegalStateException("java-function-invoker is not on the classpath"));
        int rate = Integer.parseInt(opts.get("--rate"));
        int seconds = Integer.parseInt(opts.get("--seconds"));
        int coldRuns = Integer.parseInt(opts.get("--cold-runs"));

        System.out.printf("receiver benchmark  (%s, %d cores, java %s)%n", deployJar.getFileName(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        verifyOnly(Integer.parseInt(opts.get("--verify-ops")));

        Process emulator = startEmulator();
        try {
            int emulatorPort = Integer.parseInt(emulator.info().arguments().map(a -> Arrays.stream(a)
                    .filter(s -> s.startsWith("--port=")).findFirst().orElseThrow().substring(7)).orElseThrow());
            WebhookSecret secret = WebhookSecret.random();
            Map<String, String> env = new HashMap<>();
            env.put("WEBHOOK_SECRET", secret.reveal());
            env.put("FIRESTORE_PROJECT", PROJECT);
            env.put("FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + emulatorPort);
            // The per-instance limiter (default 100/s) would turn a 200 req/s load into 429s; lift it here.
            env.put("RATE_LIMIT_PER_SECOND", "100000");
            env.put("RATE_LIMIT_BURST", "100000");

            System.out.println();
            System.out.println("cold start: invoker child process serving the packaged jar (process start ->)");
            List<long[]> colds = new ArrayList<>();
            Process last = null;
            int port = 0;
            for (int run = 1; run <= coldRuns; run++) {
                if (last != null) {
                    stop(last);
                }
                port = freePort();
                long[] t = new long[2];
                last = coldStart(invokerJar, deployJar, env, port, secret, t);
                colds.add(t);
                System.out.printf("  run %d: first /healthz 200 after %4d ms, first stored POST after %4d ms%n", run, t[0], t[1]);
            }
            long[] health = colds.stream().mapToLong(t -> t[0]).sorted().toArray();
            long[] stored = colds.stream().mapToLong(t -> t[1]).sorted().toArray();
            System.out.printf("  median: /healthz %d ms, stored POST %d ms%n", health[health.length / 2], stored[stored.length / 2]);

            try {
                System.out.println();
                sustained(port, secret, rate, Integer.parseInt(opts.get("--warmup-seconds")), true);
                sustained(port, secret, rate, seconds, false);
            } finally {
                stop(last);
                System.out.println("  (the last invoker's JSON log lines: " + LOG + ")");
            }
        } finally {
            emulator.destroy();
            if (!emulator.waitFor(5, TimeUnit.SECONDS)) {
                emulator.destroyForcibly();
            }
        }
    }

    static void verifyOnly(int ops) {
        WebhookSecret secret = WebhookSecret.random();
        WebhookSecret previous = WebhookSecret.random();
        byte[] body = Examples.get(Contract.WEBHOOK_BODY, Examples.Kind.VALID, "full-match").bytes();
        WebhookSigner signer = new WebhookSigner(secret);
        Map<String, List<String>> standard = new HashMap<>();
        signer.sign(body, "msg_bench", Instant.now(), Set.of(Scheme.STANDARD)).forEach((k, v) -> standard.put(k, List.of(v)));
        Map<String, List<String>> legacy = new HashMap<>();
        signer.sign(body, null, Instant.now(), Set.of(Scheme.LEGACY)).forEach((k, v) -> legacy.put(k, List.of(v)));
        WebhookVerifier verifier = new WebhookVerifier(List.of(secret, previous), true, Clock.systemUTC());
        System.out.printf("%nsignature verification alone (%d-byte body, in process, 1 thread, %d ops after %d warm-up)%n",
                body.length, ops, ops / 2);
        for (var entry : List.of(Map.entry("standard webhooks", standard), Map.entry("legacy sha256    ", legacy))) {
            for (int i = 0; i < ops / 2; i++) {
                check(verifier.verify(entry.getValue(), body));
            }
            long start = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                check(verifier.verify(entry.getValue(), body));
            }
            double nanos = System.nanoTime() - start;
            System.out.printf("  %s: %,9.0f ops/s  %6.2f us/op%n", entry.getKey(), ops / (nanos / 1e9), nanos / ops / 1e3);
        }
    }

    static void check(Verification v) {
        if (!v.verified()) {
            throw new IllegalStateException("benchmark signature did not verify: " + v);
        }
    }

    static Process coldStart(String invokerJar, Path deployJar, Map<String, String> env, int port, WebhookSecret secret,
                             long[] out) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", invokerJar, INVOKER, "--classpath", deployJar.toString(),
                "--target", "dev.cva.receiver.ReceiverFunction", "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(LOG.toFile());
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("the invoker did not answer /healthz (alive=" + p.isAlive() + ")");
            }
            try {
                if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            LockSupport.parkNanos(2_000_000);
        }
        out[0] = (System.nanoTime() - t0) / 1_000_000;
        HttpResponse<String> r = HTTP.send(signedPost(port, secret), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.body().contains("\"stored\"")) {
            throw new IllegalStateException("first POST answered " + r.statusCode() + ": " + r.body());
        }
        out[1] = (System.nanoTime() - t0) / 1_000_000;
        return p;
    }

    static HttpRequest signedPost(int port, WebhookSecret secret) {
        String id = UUID.randomUUID().toString();
        byte[] body = new String(Examples.get(Contract.WEBHOOK_BODY, Examples.Kind.VALID, "full-match").bytes(),
                StandardCharsets.UTF_8).replace("3f1c9a52-8d0e-4c4b-9f5e-2a7d1b6c0e91", id).getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        new WebhookSigner(secret).sign(body, "msg_" + id, Instant.now(), Set.of(Scheme.STANDARD)).forEach(b::header);
        return b.build();
    }

    /** Open loop: requests are due at fixed intervals whatever the answers; latency counts from the due time. */
    static void sustained(int port, WebhookSecret secret, int rate, int seconds, boolean warmup) throws Exception {
        int total = rate * seconds;
        long interval = 1_000_000_000L / rate;
        long[] latencies = new long[total];
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + 50_000_000;
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            HttpRequest request = signedPost(port, secret);
            CompletableFuture<HttpResponse<Void>> f = HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding());
            f.whenComplete((r, e) -> {
                latencies[index] = System.nanoTime() - due;
                statuses.computeIfAbsent(e != null ? -1 : r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                done.countDown();
            });
        }
        long sent = System.nanoTime();
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests still open 60 s after the last was sent");
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        Map<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach((k, v) -> counts.put(k, v.get()));
        if (warmup) {
            System.out.printf("warm-up: %d signed POSTs at %d req/s; statuses %s%n", total, rate, counts);
            return;
        }
        System.out.printf("sustained: %d signed Standard Webhooks POSTs at a fixed %d req/s for %d s (stored in the emulator)%n",
                total, rate, seconds);
        System.out.printf("  achieved %.1f req/s (all answered %.2f s after the first was due; sending lagged %.1f ms)%n",
                total / elapsed, elapsed, (sent - (start + (total - 1) * interval)) / 1e6);
        System.out.printf("  latency p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms%n", pct(latencies, 0.50),
                pct(latencies, 0.90), pct(latencies, 0.99), latencies[total - 1] / 1e6);
        System.out.printf("  statuses %s (-1 = transport error)%n", counts);
    }

    static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    static Process startEmulator() throws Exception {
        Process gcloud = new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)").start();
        String root = new String(gcloud.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        gcloud.waitFor();
        Path jar = Path.of(root, "platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Firestore emulator missing: gcloud components install cloud-firestore-emulator "
                    + "(or apt-get install google-cloud-cli-firestore-emulator)");
        }
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", jar.toString(),
                "com.google.cloud.datastore.emulator.firestore.CloudFirestore", "start", "--host=127.0.0.1",
                "--port=" + port, "--project_id=" + PROJECT).redirectErrorStream(true).start();
        CountDownLatch ready = new CountDownLatch(1);
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.contains("Dev App Server is now running")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // ended
            }
        });
        pump.setDaemon(true);
        pump.start();
        if (!ready.await(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the Firestore emulator did not start");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        return p;
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String require(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v;
    }
}
