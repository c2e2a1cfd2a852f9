package dev.cva.cli;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Work a test runs beside its own thread, each task on a thread of its own. Not CompletableFuture's default pool: on
 * JDK 25 that is the common ForkJoinPool even at parallelism 1 (2 cores), so a second task waits for the first to end
 * (JDK 17 started a thread per task there).
 */
public final class Threads {
    private static final Executor PER_TASK =
            r -> Thread.ofPlatform().daemon().name("test-task").start(r);

    private Threads() {}

    public static <T> CompletableFuture<T> supplyAsync(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, PER_TASK);
    }

    public static CompletableFuture<Void> runAsync(Runnable task) {
        return CompletableFuture.runAsync(task, PER_TASK);
    }
}
