package dev.cva.local.lambda;

import dev.cva.local.LocalRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A local Lambda function's numbered versions and its {@code live} alias, the way Lambda has them: each version is
 * its own {@link LambdaFunction} instance (its jar and configuration fixed when published), and the alias routes
 * each invocation to one version by weight (a canary: a share of the invocations goes to the new version). Event
 * source mappings, the schedule and the Invoke API invoke the alias; {@code $LATEST} is the newest version.
 *
 * <p>Versions run while the alias points at them. When a change of weights leaves a version without weight it is
 * drained (its in-flight invocations finish) and stopped, except the newest version that had traffic before the
 * change and is older than the one that takes most now (what a deploy or promotion replaced): it stays running as
 * a standby, so rolling back to it is instant. Routing
 * to a stopped version starts it again from its jar first (a cold start).
 */
public final class FunctionAlias implements Invoker, AutoCloseable {

    /** The alias every caller invokes, as Terraform's {@code aws_lambda_alias.live} and {@code cva deploy} name it. */
    public static final String LIVE = "live";
    /** One published version: its number, what it runs, what the publisher recorded, and when. */
    public record Version(int number, LambdaFunction.Spec spec, String description, Instant created) {}

    /** A version as listed: running or not, with its share of the alias's traffic. */
    public record View(int number, String description, Instant created, boolean running, int weight) {}

    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final String name;
    private final int concurrency;
    private final TreeMap<Integer, Slot> versions = new TreeMap<>();
    private Map<Integer, Integer> weights = Map.of();
    private volatile Consumer<LambdaFunction> onLive = f -> {};
    private volatile boolean closed;
    /** Every instance any version ever ran, for counters that survive deploys and stops. */
    private final java.util.List<LambdaFunction> instances = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final class Slot {
        final Version version;
        volatile LambdaFunction function;
        int inFlight;

        Slot(Version version, LambdaFunction function) {
            this.version = version;
            this.function = function;
        }
    }

    /** The alias over version 1, the already started {@code first}, which takes all traffic. */
    public FunctionAlias(LambdaFunction first, LambdaFunction.Spec spec, String description, Instant created) {
        this.name = first.name();
        this.concurrency = first.concurrency();
        versions.put(1, new Slot(new Version(1, spec, description, created), first));
        weights = Map.of(1, 100);
        instances.add(first);
        first.onRestart(this::restarted);
    }

    /** Called with the instance that takes most traffic whenever that changes (and after it was replaced). */
    public void onLive(Consumer<LambdaFunction> listener) {
        this.onLive = listener;
    }

    @Override
    public String name() {
        return name;
    }

    /** Invocations completed by every version since the alias was made (a deploy does not reset them). */
    public long invocations() {
        return instances.stream().mapToLong(LambdaFunction::invocations).sum();
    }

    /** Billed milliseconds of every version since the alias was made. */
    public long billedMillis() {
        return instances.stream().mapToLong(LambdaFunction::billedMillis).sum();
    }

    /** The memory setting of the version that takes most traffic. */
    public int memoryMb() {
        return live().memoryMb();
    }

    /** The event source mappings size their pollers once: by version 1's concurrency. */
    @Override
    public int concurrency() {
        return concurrency;
    }

    /**
     * Publishes a new version: starts an instance of {@code spec} and waits until its handler is initialised. It
     * takes no traffic until {@link #route} gives it weight. Returns its number.
     */
    public int publish(LambdaFunction.Spec spec, String description, Instant created) {
        int number;
        synchronized (this) {
            requireOpen();
            number = versions.lastKey() + 1;
        }
        LambdaFunction f = LambdaFunction.start(spec);
        try {
            f.awaitReady(READY);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
        synchronized (this) {
            if (closed) {
                f.close();
                requireOpen();
            }
            number = Math.max(number, versions.lastKey() + 1);
            versions.put(number, new Slot(new Version(number, spec, description, created), f));
        }
        instances.add(f);
        f.onRestart(this::restarted);
        return number;
    }

    /**
     * Points the alias at {@code newWeights} (version → percent, summing to 100), starting any stopped version it
     * names first; versions left without weight are drained and stopped in the background (see the class comment).
     */
    public void route(Map<Integer, Integer> newWeights) {
        int sum = newWeights.values().stream().mapToInt(Integer::intValue).sum();
        if (newWeights.isEmpty() || sum != 100 || newWeights.values().stream().anyMatch(w -> w < 0)) {
            throw new IllegalArgumentException("weights must be non-negative and sum to 100: " + newWeights);
        }
        List<Slot> toStart = new ArrayList<>();
        synchronized (this) {
            requireOpen();
            for (int v : newWeights.keySet()) {
                Slot s = versions.get(v);
                if (s == null) {
                    throw new IllegalArgumentException(
                            name + " has no version " + v + " (versions: " + versions.keySet() + ")");
                }
                if (s.function == null) {
                    toStart.add(s);
                }
            }
        }
        for (Slot s : toStart) {
            LambdaFunction f = LambdaFunction.start(s.version.spec());
            try {
                f.awaitReady(READY);
            } catch (RuntimeException e) {
                f.close();
                throw e;
            }
            synchronized (this) {
                if (s.function == null) {
                    s.function = f;
                    instances.add(f);
                    f.onRestart(this::restarted);
                } else {
                    f.close();
                }
            }
        }
        List<Slot> retire = new ArrayList<>();
        LambdaFunction live;
        synchronized (this) {
            requireOpen();
            int standby = Weights.standby(weights, newWeights);
            weights = Map.copyOf(new LinkedHashMap<>(newWeights));
            int now = Weights.top(weights);
            for (Slot s : versions.values()) {
                int n = s.version.number();
                if (s.function != null && weights.getOrDefault(n, 0) == 0 && n != standby) {
                    retire.add(s);
                }
            }
            live = versions.get(now).function;
        }
        onLive.accept(live);
        if (!retire.isEmpty()) {
            Thread t = new Thread(() -> retire.forEach(this::drainAndStop), "alias-drain-" + name);
            t.setDaemon(true);
            t.start();
        }
    }

    /** The versions, newest first. */
    public synchronized List<View> versions() {
        List<View> out = new ArrayList<>();
        for (Slot s : versions.descendingMap().values()) {
            out.add(new View(
                    s.version.number(),
                    s.version.description(),
                    s.version.created(),
                    s.function != null,
                    weights.getOrDefault(s.version.number(), 0)));
        }
        return out;
    }

    /** Version → percent, as routed now. */
    public synchronized Map<Integer, Integer> weights() {
        return new TreeMap<>(weights);
    }

    /** The instance taking most traffic. */
    public synchronized LambdaFunction live() {
        return versions.get(Weights.top(weights)).function;
    }

    /** Invokes through the alias: one version, chosen by weight. */
    @Override
    public Result invoke(String payload) {
        Slot s;
        LambdaFunction f;
        synchronized (this) {
            if (closed) {
                return new Result(true, "{\"errorMessage\":\"" + name + " is stopped\"}");
            }
            s = versions.get(Weights.pick(weights));
            f = s.function;
            s.inFlight++;
        }
        return invokeHeld(s, f, payload);
    }

    /**
     * Invokes one version directly ({@code "$LATEST"} = the newest), as a qualified Invoke does: the smoke test of a
     * version before or besides its traffic.
     */
    public Result invoke(String qualifier, String payload) {
        Slot s;
        LambdaFunction f;
        synchronized (this) {
            Integer v = qualifier.equals("$LATEST") ? versions.lastKey() : parse(qualifier);
            s = v == null ? null : versions.get(v);
            if (s == null || s.function == null) {
                return new Result(
                        true,
                        "{\"errorType\":\"ResourceNotFoundException\",\"errorMessage\":\"" + name + ":" + qualifier
                                + (s == null ? " does not exist" : " is not running") + "\"}");
            }
            s.inFlight++;
            f = s.function;
        }
        return invokeHeld(s, f, payload);
    }

    private Result invokeHeld(Slot s, LambdaFunction f, String payload) {
        try {
            return f.invoke(payload);
        } finally {
            synchronized (this) {
                s.inFlight--;
                notifyAll();
            }
        }
    }

    private void drainAndStop(Slot s) {
        LambdaFunction f;
        synchronized (this) {
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (s.inFlight > 0 && System.nanoTime() < deadline && weights.getOrDefault(s.version.number(), 0) == 0) {
                try {
                    wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (weights.getOrDefault(s.version.number(), 0) > 0 || s.function == null) {
                return; // routed to again while draining
            }
            f = s.function;
            s.function = null;
        }
        f.close();
    }

    private void restarted(LambdaFunction f) {
        if (f == live()) {
            onLive.accept(f);
        }
    }

    private static Integer parse(String qualifier) {
        try {
            return Integer.valueOf(qualifier);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new LocalRuntimeException(name + " is stopped", null);
        }
    }

    /** Stops every running version. */
    @Override
    public void close() {
        List<LambdaFunction> running = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Slot s : versions.values()) {
                if (s.function != null) {
                    running.add(s.function);
                    s.function = null;
                }
            }
        }
        running.forEach(LambdaFunction::close);
    }
}
