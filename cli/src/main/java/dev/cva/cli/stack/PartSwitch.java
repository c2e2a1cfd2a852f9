package dev.cva.cli.stack;

import dev.cva.local.Child;
import dev.cva.local.FirestoreEmulator;
import dev.cva.local.LocalPart;
import dev.cva.local.lambda.Invoker;
import dev.cva.local.lambda.LambdaFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code cva local stop|start <part>} on the running stack, through its control channel
 * ({@code POST /parts/<part>/stop}, {@code POST /parts/<part>/start}): one part goes down and comes back on the same
 * port, to rehearse an outage. What each part keeps across the restart:
 * <ul>
 *   <li>{@code sqs}: everything: ElasticMQ keeps its messages in an H2 file ({@code .cva/local/data/sqs}).</li>
 *   <li>{@code firestore}: everything: exported through the emulator's export endpoint at stop, imported at start.</li>
 *   <li>{@code receiver}: nothing to keep (stateless): the process of its live revision stops behind the stable
 *       front, which answers 502 meanwhile, and starts again on {@code start}.</li>
 *   <li>a function ({@code processor}, {@code notifier}, {@code reporter}): its event source or schedule waits
 *       (like a throttled Lambda: no retry is spent, its position is kept) and the next invocation starts a new
 *       instance.</li>
 *   <li>{@code dynamodb} (moto keeps the tables in memory) and {@code ses}: refused, saying why.</li>
 * </ul>
 * The receiver's and the functions' parts are isolated here (their launchers come from {@link LocalStack}) so a
 * change in how those run only changes what is registered.
 */
public final class PartSwitch {
    /** What {@code stop}/{@code start} did; {@code changed} false when the part already was in that state. */
    record Outcome(String part, String action, boolean changed, int port, String data) {}

    /** The stack's side of a restartable process part: its current child and where to record a new one. */
    interface Host {
        LocalPart child(String part);

        int port(String part);

        void replaced(String part, LocalPart now);

        LambdaFunction function(String name);
    }

    static final Map<String, String> REFUSED = Map.of(
            "dynamodb",
            "moto's server keeps DynamoDB (tables and stream) in memory: a restart would lose them all; "
                    + "stop the whole stack with 'cva local down'",
            "ses",
            "the SES stand-in is not part of an outage rehearsal; stop the whole stack with 'cva local down'");

    private final Host host;
    private final Path work;
    private final String gcpProject;
    private final Consumer<String> log;
    /** Relaunchers of the process parts; the argument is the data to start from (Firestore's export), or null. */
    private final Map<String, Function<Path, LocalPart>> launchers = new LinkedHashMap<>();

    private final Map<String, Gate> gates = new ConcurrentHashMap<>();
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    private volatile Path firestoreExport;

    PartSwitch(Host host, Path work, String gcpProject, Consumer<String> log) {
        this.host = host;
        this.work = work;
        this.gcpProject = gcpProject;
        this.log = log;
    }

    /** ElasticMQ's message file for this stack run: the previous run's messages are deleted first. */
    static Path freshSqsStore(Path work) {
        Path dir = work.resolve("data");
        try {
            Files.createDirectories(dir);
            try (var files = Files.list(dir)) {
                for (Path p : files.filter(p -> p.getFileName().toString().startsWith("sqs"))
                        .toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new dev.cva.cli.CvaException(
                    dev.cva.cli.ExitCode.FAILURE, "cannot prepare " + dir + ": " + e.getMessage(), null, e);
        }
        return dir.resolve("sqs");
    }

    void launcher(String part, Function<Path, ? extends LocalPart> launcher) {
        launchers.put(part, launcher::apply);
    }

    /** The function as its event source sees it: while the function is stopped, invocations wait. */
    Invoker gate(Invoker f) {
        return gates.computeIfAbsent(f.name(), n -> new Gate(f));
    }

    /** True while {@code part} was stopped on purpose (its exit is no failure of the stack). */
    boolean stoppedOnPurpose(String part) {
        return stopped.contains(part);
    }

    void register(ControlServer control) {
        control.route("POST", "/parts/", (rest, body) -> {
            String[] p = rest.split("/");
            if (p.length != 2 || !(p[1].equals("stop") || p[1].equals("start"))) {
                return ControlServer.Reply.error(404, "expected /parts/<part>/stop or /parts/<part>/start");
            }
            try {
                return ControlServer.Reply.ok(p[1].equals("stop") ? stop(p[0]) : start(p[0]));
            } catch (IllegalArgumentException e) {
                return ControlServer.Reply.error(400, e.getMessage());
            }
        });
    }

    List<String> parts() {
        List<String> all = new java.util.ArrayList<>(launchers.keySet());
        all.addAll(gates.keySet());
        return all;
    }

    synchronized Outcome stop(String part) {
        check(part);
        if (!stopped.add(part)) {
            return new Outcome(part, "stop", false, port(part), "already stopped");
        }
        Gate gate = gates.get(part);
        if (gate != null) {
            gate.close(Duration.ofSeconds(30));
            host.function(part).child().stop(); // the live version's instance
            log.accept(part + ": stopped by 'cva local stop'; its event source waits");
            return new Outcome(
                    part, "stop", true, port(part), "its event source waits for 'cva local start " + part + "'");
        }
        String data = "none to keep (stateless)";
        if (part.equals("firestore")) {
            // No write may land between the export and the stop (it would be acknowledged, then lost): the
            // receiver, Firestore's only writer, is paused (SIGSTOP) for that moment, writes it already sent settle
            // first.
            LocalPart receiver = stopped.contains("receiver") ? null : host.child("receiver");
            boolean paused = receiver != null && signal("STOP", receiver.pid());
            try {
                if (paused) {
                    Child.sleep(500);
                }
                firestoreExport = FirestoreEmulator.export(
                        host.port(part),
                        gcpProject,
                        work.resolve("data/firestore-export-" + System.currentTimeMillis()));
                data = "exported to " + firestoreExport.getParent() + "; imported again at start";
                host.child(part).stop();
            } catch (RuntimeException e) {
                firestoreExport = null;
                data = "LOST at start: the export failed (" + e.getMessage() + ")";
                host.child(part).stop();
            } finally {
                if (paused) {
                    signal("CONT", receiver.pid());
                }
            }
            log.accept(part + ": stopped by 'cva local stop' (port " + port(part) + "); data: " + data);
            return new Outcome(part, "stop", true, port(part), data);
        } else if (part.equals("sqs")) {
            data = "kept: ElasticMQ stores its messages in " + work.resolve("data") + " (H2)";
        }
        host.child(part).stop();
        log.accept(part + ": stopped by 'cva local stop' (port " + port(part) + "); data: " + data);
        return new Outcome(part, "stop", true, port(part), data);
    }

    synchronized Outcome start(String part) {
        check(part);
        if (!stopped.contains(part)) {
            return new Outcome(part, "start", false, port(part), "already running");
        }
        Gate gate = gates.get(part);
        if (gate != null) {
            gate.open();
            stopped.remove(part);
            log.accept(part + ": started by 'cva local start'; the next invocation starts a new instance");
            return new Outcome(part, "start", true, port(part), "its event source resumes where it was");
        }
        Path from = part.equals("firestore") ? firestoreExport : null;
        LocalPart now = launchers.get(part).apply(from);
        stopped.remove(part);
        host.replaced(part, now);
        String data = part.equals("firestore")
                ? (from == null ? "started empty (no export)" : "imported " + from)
                : part.equals("sqs") ? "kept (H2 message storage)" : "none to keep (stateless)";
        log.accept(
                part + ": started by 'cva local start' (" + (now.pid() == 0 ? "in cva's process" : "pid " + now.pid())
                        + ", port " + port(part) + "); data: " + data);
        return new Outcome(part, "start", true, port(part), data);
    }

    /** {@code kill -<signal> <pid>}; false where there is no such command (then nothing is paused). */
    private static boolean signal(String signal, long pid) {
        try {
            return new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private int port(String part) {
        Gate g = gates.get(part);
        return g != null ? host.function(part).port() : host.port(part);
    }

    private void check(String part) {
        if (REFUSED.containsKey(part)) {
            throw new IllegalArgumentException(part + " cannot be stopped on its own: " + REFUSED.get(part));
        }
        if (!launchers.containsKey(part) && !gates.containsKey(part)) {
            throw new IllegalArgumentException(
                    "no part '" + part + "'; parts that stop and start: " + String.join(", ", parts()));
        }
    }

    /** Lets invocations through while open; while closed they wait (the event source holds its position). */
    static final class Gate implements Invoker {
        private final Invoker function;
        private boolean open = true;
        private int inFlight;

        Gate(Invoker function) {
            this.function = function;
        }

        @Override
        public String name() {
            return function.name();
        }

        @Override
        public int concurrency() {
            return function.concurrency();
        }

        @Override
        public Result invoke(String payload) {
            synchronized (this) {
                while (!open) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return new Result(true, "{\"errorMessage\":\"interrupted while the function was stopped\"}");
                    }
                }
                inFlight++;
            }
            try {
                return function.invoke(payload);
            } finally {
                synchronized (this) {
                    inFlight--;
                    notifyAll();
                }
            }
        }

        /** Closes and waits up to {@code timeout} for the invocations in flight to end. */
        synchronized void close(Duration timeout) {
            open = false;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (inFlight > 0 && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        synchronized void open() {
            open = true;
            notifyAll();
        }
    }
}
