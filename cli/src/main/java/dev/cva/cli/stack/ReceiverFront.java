package dev.cva.cli.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stackclient.StackControl;
import dev.cva.local.Child;
import dev.cva.local.FunctionsInvoker;
import dev.cva.local.LoopbackHttp;
import dev.cva.local.lambda.Weights;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The receiver's stable URL on the local stack, as Cloud Run's service URL is: a small 127.0.0.1 reverse proxy that
 * routes each request to one receiver revision (a Functions Framework invoker process of its own) by weight. A
 * deploy starts a new revision on its own port and waits for its {@code /healthz} before traffic moves; a revision
 * left without weight finishes its in-flight requests before it stops, so a switch drops no request. The revision a
 * deploy or promotion replaced (the newest with traffic before the switch that is older than the one serving most
 * now) keeps running as a standby, so a rollback to it is instant; routing to a stopped revision starts it again first. A request whose revision refuses the
 * connection (stopped under it) is sent again to one that serves.
 */
final class ReceiverFront implements AutoCloseable {
    /** How a revision is started: the invoker, the entry point, the environment, the log folder. */
    record Launch(Path invokerJar, String entryPoint, Map<String, String> env, Path logs) {}

    /** A revision as listed: its number, own URL, what the deployer recorded, whether it runs, its weight. */
    record View(int number, String url, String description, Instant created, boolean running, int weight) {}

    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final Set<String> HOP = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "keep-alive",
            "transfer-encoding",
            "te",
            "trailer",
            "proxy-connection",
            "http2-settings",
            "date",
            "from",
            "via",
            "warning");

    private final Launch launch;
    private final HttpServer server;
    private final ExecutorService pool;
    private final HttpClient http;
    private final TreeMap<Integer, Revision> revisions = new TreeMap<>();
    private Map<Integer, Integer> weights = Map.of();
    private volatile Consumer<Revision> onLive = r -> {};
    private volatile Consumer<Child> onDied = c -> {};
    private volatile boolean closed;

    /** One revision: its jar, what was recorded, its process and port while it runs. */
    static final class Revision {
        final int number;
        final Path jar;
        final String description;
        final Instant created;
        volatile Child child;
        volatile int port;
        int inFlight;

        Revision(int number, Path jar, String description, Instant created) {
            this.number = number;
            this.jar = jar;
            this.description = description;
            this.created = created;
        }

        String url() {
            return "http://127.0.0.1:" + port + "/";
        }

        Child child() {
            return child;
        }
    }

    /** Starts revision 1 from {@code jar}, waits for its health, then the front on a free port. */
    static ReceiverFront start(Launch launch, Path jar, String description, Instant created) {
        ReceiverFront front = open(launch);
        try {
            front.startFirst(jar, description, created);
            return front;
        } catch (RuntimeException e) {
            front.close();
            throw e;
        }
    }

    /**
     * The front bound to a free port (its {@link #url} is known, as a Cloud Run service's URL is before its first
     * revision is ready) but not yet serving; {@link #startFirst} starts revision 1 and then serves.
     */
    static ReceiverFront open(Launch launch) {
        try {
            return new ReceiverFront(launch);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot start the receiver's front: " + e.getMessage(), null, e);
        }
    }

    /** Starts revision 1 from {@code jar}, waits for its health, then serves; the caller closes the front on failure. */
    void startFirst(Path jar, String description, Instant created) {
        Revision r = new Revision(1, jar, description, created);
        run(r);
        synchronized (this) {
            revisions.put(1, r);
            weights = Map.of(1, 100);
        }
        server.start();
    }

    private ReceiverFront(Launch launch) throws IOException {
        this.launch = launch;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        this.server = LoopbackHttp.create(0, 256);
        this.pool = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "receiver-front");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::proxy);
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Called with the revision that takes most traffic whenever that changes. */
    void onLive(Consumer<Revision> listener) {
        this.onLive = listener;
    }

    /** Called with a running revision's process when it exits without being stopped. */
    void onDied(Consumer<Child> listener) {
        this.onDied = listener;
    }

    synchronized Revision live() {
        return revisions.get(Weights.top(weights));
    }

    /** Starts a new revision from {@code jar} and waits until it is healthy; it takes no traffic yet. */
    int deploy(Path jar, String description, Instant created) {
        int number;
        synchronized (this) {
            requireOpen();
            number = revisions.lastKey() + 1;
            revisions.put(number, new Revision(number, jar, description, created));
        }
        Revision r;
        synchronized (this) {
            r = revisions.get(number);
        }
        try {
            run(r);
        } catch (RuntimeException e) {
            synchronized (this) {
                revisions.remove(number);
            }
            throw e;
        }
        return number;
    }

    /** Routes by {@code newWeights} (revision → percent, summing to 100); see the class comment for what stops. */
    void route(Map<Integer, Integer> newWeights) {
        int sum = newWeights.values().stream().mapToInt(Integer::intValue).sum();
        if (newWeights.isEmpty() || sum != 100 || newWeights.values().stream().anyMatch(w -> w < 0)) {
            throw new IllegalArgumentException("weights must be non-negative and sum to 100: " + newWeights);
        }
        List<Revision> toStart = new ArrayList<>();
        synchronized (this) {
            requireOpen();
            for (int n : newWeights.keySet()) {
                Revision r = revisions.get(n);
                if (r == null) {
                    throw new IllegalArgumentException(
                            "the receiver has no revision " + n + " (revisions: " + revisions.keySet() + ")");
                }
                if (r.child == null) {
                    toStart.add(r);
                }
            }
        }
        toStart.forEach(this::run);
        List<Revision> retire = new ArrayList<>();
        Revision live;
        synchronized (this) {
            requireOpen();
            int standby = Weights.standby(weights, newWeights);
            weights = Map.copyOf(new LinkedHashMap<>(newWeights));
            int now = Weights.top(weights);
            for (Revision r : revisions.values()) {
                int n = r.number;
                if (r.child != null && weights.getOrDefault(n, 0) == 0 && n != standby) {
                    retire.add(r);
                }
            }
            live = revisions.get(now);
        }
        onLive.accept(live);
        if (!retire.isEmpty()) {
            Thread t = new Thread(() -> retire.forEach(this::drainAndStop), "receiver-drain");
            t.setDaemon(true);
            t.start();
        }
    }

    synchronized List<View> revisions() {
        List<View> out = new ArrayList<>();
        for (Revision r : revisions.descendingMap().values()) {
            out.add(new View(
                    r.number,
                    r.child == null ? null : r.url(),
                    r.description,
                    r.created,
                    r.child != null,
                    weights.getOrDefault(r.number, 0)));
        }
        return out;
    }

    synchronized Map<Integer, Integer> weights() {
        return new TreeMap<>(weights);
    }

    /**
     * {@code cva local start receiver}: starts the live revision's process again (after {@code stop} stopped it) and
     * returns it once it listens; its /healthz also needs Firestore, which may still be down on purpose.
     */
    Child restartLive() {
        Revision r = live();
        Child old = r.child;
        int port = Child.freePort();
        Child child = Child.start(
                "receiver r" + r.number + " (Functions Framework)",
                FunctionsInvoker.command(launch.invokerJar(), r.jar, launch.entryPoint(), port),
                launch.env(),
                launch.logs().resolve(r.number == 1 ? "receiver.log" : "receiver-r" + r.number + ".log"));
        try {
            child.awaitPort(port, dev.cva.local.Readiness.timeout());
        } catch (RuntimeException e) {
            child.stop();
            throw e;
        }
        synchronized (this) {
            r.port = port;
            r.child = child;
        }
        if (old != null) {
            old.stop();
        }
        watch(r, child);
        return child;
    }

    private void watch(Revision r, Child child) {
        child.onExit().thenRun(() -> {
            if (!closed && r.child == child) {
                onDied.accept(child);
            }
        });
    }

    private void run(Revision r) {
        int port = Child.freePort();
        Child child = Child.start(
                "receiver r" + r.number + " (Functions Framework)",
                FunctionsInvoker.command(launch.invokerJar(), r.jar, launch.entryPoint(), port),
                launch.env(),
                launch.logs().resolve(r.number == 1 ? "receiver.log" : "receiver-r" + r.number + ".log"));
        String url = "http://127.0.0.1:" + port + "/";
        try {
            // ready = it answers /healthz, which reads Firestore through the receiver's own store
            child.await(
                    () -> StackControl.httpOk(url + "healthz"),
                    dev.cva.local.Readiness.timeout(),
                    "GET /healthz = 200");
        } catch (RuntimeException e) {
            child.stop();
            throw e;
        }
        r.port = port;
        r.child = child;
        watch(r, child);
    }

    private void drainAndStop(Revision r) {
        Child c;
        synchronized (this) {
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (r.inFlight > 0 && System.nanoTime() < deadline && weights.getOrDefault(r.number, 0) == 0) {
                try {
                    wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (weights.getOrDefault(r.number, 0) > 0 || r.child == null) {
                return;
            }
            c = r.child;
            r.child = null;
        }
        c.stop();
    }

    private void proxy(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            HttpResponse<byte[]> answer = null;
            IOException last = null;
            for (int attempt = 0; attempt < 3 && answer == null; attempt++) {
                Revision r = acquire();
                if (r == null) {
                    break;
                }
                try {
                    answer = http.send(forward(ex, r, body), HttpResponse.BodyHandlers.ofByteArray());
                } catch (ConnectException e) {
                    last = e; // the revision stopped under this request, which it never saw: send it elsewhere
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    last = new IOException("interrupted");
                    break;
                } catch (IOException e) {
                    last = e;
                    break; // it may have seen the request: not sent twice
                } finally {
                    release(r);
                }
            }
            if (answer == null) {
                byte[] msg = ("{\"error\":\"no receiver revision answered: "
                                + (last == null
                                        ? "none runs"
                                        : String.valueOf(last.getMessage()).replace('"', '\''))
                                + "\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(502, msg.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(msg);
                }
                return;
            }
            answer.headers().map().forEach((k, v) -> {
                if (!HOP.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) {
                    ex.getResponseHeaders().put(k, v);
                }
            });
            byte[] out = answer.body();
            boolean noBody =
                    ex.getRequestMethod().equals("HEAD") || answer.statusCode() == 204 || answer.statusCode() == 304;
            ex.sendResponseHeaders(answer.statusCode(), noBody || out.length == 0 ? -1 : out.length);
            if (!noBody && out.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(out);
                }
            }
        }
    }

    private HttpRequest forward(HttpExchange ex, Revision r, byte[] body) {
        URI in = ex.getRequestURI();
        String target = "http://127.0.0.1:" + r.port + in.getRawPath()
                + (in.getRawQuery() == null ? "" : "?" + in.getRawQuery());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target))
                .timeout(Duration.ofSeconds(60))
                .method(
                        ex.getRequestMethod(),
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        ex.getRequestHeaders().forEach((k, v) -> {
            if (!HOP.contains(k.toLowerCase(Locale.ROOT))) {
                v.forEach(value -> b.header(k, value));
            }
        });
        return b.build();
    }

    private synchronized Revision acquire() {
        if (closed) {
            return null;
        }
        Revision r = revisions.get(Weights.pick(weights));
        if (r == null || r.child == null) {
            return null;
        }
        r.inFlight++;
        return r;
    }

    private synchronized void release(Revision r) {
        r.inFlight--;
        notifyAll();
    }

    private void requireOpen() {
        if (closed) {
            throw new CvaException(ExitCode.FAILURE, "the local stack is stopping", null);
        }
    }

    @Override
    public void close() {
        List<Child> running = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Revision r : revisions.values()) {
                if (r.child != null) {
                    running.add(r.child);
                    r.child = null;
                }
            }
        }
        server.stop(0);
        pool.shutdownNow();
        running.forEach(Child::stop);
    }
}
