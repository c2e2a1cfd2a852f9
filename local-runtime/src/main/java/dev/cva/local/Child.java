package dev.cva.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One child process of the local environment: its output is appended to a log file, readiness is a log line
 * written by this run (never a previous run's), a port or a probe of its real work, and stopping it stops its whole
 * process tree.
 */
public final class Child implements LocalPart {
    private final String name;
    private final Process process;
    private final Path log;
    /** Where this run's output starts in the (appended) log: readiness never matches an older run's lines. */
    private final long logStart;

    /** A training run writes its AOT cache as it exits: it gets longer to stop before it is killed. */
    private final boolean training;

    private final java.util.concurrent.CompletableFuture<Process> exit;

    private Child(
            String name,
            Process process,
            java.util.concurrent.CompletableFuture<Process> exit,
            Path log,
            long logStart,
            boolean training) {
        this.exit = exit;
        this.training = training;
        this.name = name;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /** Starts {@code command}; a JVM of this JDK starts from its AOT cache, or trains one ({@link AotCache}). */
    public static Child start(String name, List<String> command, Map<String, String> env, Path log) {
        return start(name, command, env, log, AotCache.shared());
    }

    public static Child start(String name, List<String> command, Map<String, String> env, Path log, AotCache aot) {
        AotCache.Plan plan = aot.plan(command);
        try {
            Files.createDirectories(log.getParent());
            long start = Files.exists(log) ? Files.size(log) : 0;
            ProcessBuilder pb = new ProcessBuilder(plan.command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .directory(log.getParent().toFile());
            pb.environment().putAll(env);
            Process process = pb.start();
            plan.onStart().accept(process.pid());
            // the AOT cache's exit step (a trained cache moved into place) runs before onExit() completes
            var exit = process.onExit().thenApply(p -> {
                plan.onExit().run();
                return p;
            });
            return new Child(name, process, exit, log, start, plan.mode() == AotCache.Mode.TRAIN);
        } catch (IOException e) {
            plan.onExit().run();
            throw new LocalRuntimeException(name + ": cannot start " + command.get(0) + ": " + e.getMessage(), null, e);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /**
     * The JIT and GC of every JVM the local stack starts (supervisor, receiver revisions, the Firestore emulator; the
     * Lambda instances start as Lambda starts them, with the same two): C1 only and the serial collector. On a
     * two-core machine the C2 compiler threads of seven JVMs warming up at once took a third of the stack's start
     * and starved the pipeline behind it (measured: ready 12.1 s to 9.6 s, a warm stack at 100 events/s p95 17 s to
     * 0.4 s); the stack's load is I/O between processes, where C1's code is fast enough.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    /** The {@code java} of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public String name() {
        return name;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    @Override
    public String logName() {
        return log.toString();
    }

    public boolean alive() {
        return process.isAlive();
    }
    /** Completes when the process exits, for whatever reason. */
    @Override
    public java.util.concurrent.CompletableFuture<Process> onExit() {
        return exit;
    }

    /** Waits until {@code ready} holds; fails with the log's tail if the process dies or time runs out. */
    public void await(BooleanSupplier ready, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.getAsBoolean()) {
                return;
            }
            if (!process.isAlive()) {
                throw new LocalRuntimeException(
                        name + " exited (status " + process.exitValue() + ") before " + what + "; last lines of " + log
                                + ":\n" + tail(20),
                        null);
            }
            sleep(25);
        }
        throw new LocalRuntimeException(
                name + ": no " + what + " within " + timeout.toSeconds() + " s; last lines of " + log + ":\n"
                        + tail(20),
                null);
    }

    /** Waits for {@code marker} in what this run wrote to the log. */
    public void awaitLog(String marker, Duration timeout) {
        await(() -> logContains(marker), timeout, "'" + marker + "'");
    }

    public void awaitPort(int port, Duration timeout) {
        await(() -> listening(port), timeout, "listener on 127.0.0.1:" + port);
    }

    /** True when this run's part of the log holds {@code marker}. */
    public boolean logContains(String marker) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length <= logStart) {
                return false;
            }
            byte[] bytes = new byte[(int) Math.min(length - logStart, 16 << 20)];
            f.seek(logStart);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.ISO_8859_1).contains(marker);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void stop() {
        stopTree(process.pid(), training ? Duration.ofSeconds(30) : Duration.ofSeconds(5));
        // stopTree sees the process gone as soon as it is a zombie; wait for the JDK's reaper too, so that alive()
        // and onExit() agree once stop() has returned (a busy machine let the two disagree for a moment)
        try {
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops {@code pid} and all its descendants: politely, then forcibly after 5 s. True when all are gone. Never
     * cut short by an interrupt (it runs in shutdown hooks): the interrupt is restored at the end.
     */
    public static boolean stopTree(long pid) {
        return stopTree(pid, Duration.ofSeconds(5));
    }

    /** {@link #stopTree(long)} with {@code grace} between the polite and the forcible stop. */
    public static boolean stopTree(long pid, Duration grace) {
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        if (root.isEmpty()) {
            return true;
        }
        List<ProcessHandle> all = new ArrayList<>(root.get().descendants().toList());
        all.add(root.get());
        all.forEach(ProcessHandle::destroy);
        boolean interrupted = awaitGone(all, grace);
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        interrupted |= awaitGone(all, Duration.ofSeconds(5));
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return all.stream().noneMatch(ProcessHandle::isAlive);
    }

    private static boolean awaitGone(List<ProcessHandle> all, Duration timeout) {
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && all.stream().anyMatch(ProcessHandle::isAlive)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    public static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that is free on 127.0.0.1 right now. */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new LocalRuntimeException("no free port on 127.0.0.1: " + e.getMessage(), null, e);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalRuntimeException.Interrupted(e);
        }
    }
}
