package dev.cva.cli.stack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * When each part of a starting stack began and when it was ready, in milliseconds since the start began. Each part
 * that becomes ready is one line for the log ({@code start: sqs started +3 ms, ready +4210 ms (4207 ms)}): the
 * supervisor's log always has them, {@code cva local up --verbose} prints them.
 */
public final class StartTimes {
    public static final String PREFIX = "start: ";

    /** One part's times, in milliseconds since the start began. */
    record Part(String name, long startedMs, long readyMs) {
        long tookMs() {
            return readyMs - startedMs;
        }

        String line() {
            return PREFIX + name + " started +" + startedMs + " ms, ready +" + readyMs + " ms (" + tookMs() + " ms)";
        }
    }

    private final long origin = System.nanoTime();
    private final Consumer<String> log;
    private final Map<String, Long> started = new LinkedHashMap<>();
    private final List<Part> ready = new ArrayList<>();

    StartTimes(Consumer<String> log) {
        this.log = log;
    }

    /** Runs {@code start} as part {@code name}: started now, ready when it returns. */
    <T> T time(String name, Supplier<T> start) {
        started(name);
        T result = start.get();
        ready(name);
        return result;
    }

    void run(String name, Runnable start) {
        time(name, () -> {
            start.run();
            return null;
        });
    }

    synchronized void started(String name) {
        started.putIfAbsent(name, now());
    }

    /** Part {@code name} is ready: logs its line. A part never marked started counts as started at the beginning. */
    void ready(String name) {
        Part p;
        synchronized (this) {
            long end = now();
            p = new Part(name, started.getOrDefault(name, 0L), end);
            ready.add(p);
        }
        log.accept(p.line());
    }

    /** The parts ready so far, in the order they became ready. */
    synchronized List<Part> parts() {
        return List.copyOf(ready);
    }

    long elapsedMs() {
        return now();
    }

    private long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin);
    }
}
