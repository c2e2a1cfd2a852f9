package dev.cva.cli.local;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One child process of the local stack: its output goes to a log file, readiness is a log line, a port or a
 * probe, and stopping it stops its whole process tree.
 */
final class Child {
    private final String name;
    private final Process process;
    private final Path log;

    private Child(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static Child start(String name, List<String> command, Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .directory(log.getParent().toFile());
            pb.environment().putAll(env);
            return new Child(name, pb.start(), log);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, name + ": cannot start " + command.get(0) + ": " + e.getMessage(),
                    null, e);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    String name() { return name; }
    long pid() { return process.pid(); }
    Path log() { return log; }
    boolean alive() { return process.isAlive(); }

    /** Waits until {@code ready} holds; fails with the log's tail if the process dies or time runs out. */
    void await(BooleanSupplier ready, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.getAsBoolean()) {
                return;
            }
            if (!process.isAlive()) {
                throw new CvaException(ExitCode.FAILURE, name + " exited (status " + process.exitValue() + ") before "
                        + what + "; last lines of " + log + ":\n" + tail(20), null);
            }
            sleep(50);
        }
        throw new CvaException(ExitCode.FAILURE, name + ": no " + what + " within " + timeout.toSeconds() + " s; last lines of "
                + log + ":\n" + tail(20), null);
    }

    void awaitLog(String marker, Duration timeout) {
        await(() -> logContains(marker), timeout, "'" + marker + "'");
    }

    void awaitPort(int port, Duration timeout) {
        await(() -> listening(port), timeout, "listener on port " + port);
    }

    boolean logContains(String marker) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(marker);
        } catch (IOException e) {
            return false;
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    void stop() {
        stopTree(process.pid());
    }

    /**
     * Stops {@code pid} and all its descendants: politely, then forcibly after 5 s. True when all are gone. Never
     * cut short by an interrupt (it runs in shutdown hooks): the interrupt is restored at the end.
     */
    static boolean stopTree(long pid) {
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        if (root.isEmpty()) {
            return true;
        }
        List<ProcessHandle> all = new java.util.ArrayList<>(root.get().descendants().toList());
        all.add(root.get());
        all.forEach(ProcessHandle::destroy);
        boolean interrupted = awaitGone(all, Duration.ofSeconds(5));
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

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "no free port on 127.0.0.1: " + e.getMessage(), null, e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }
}
