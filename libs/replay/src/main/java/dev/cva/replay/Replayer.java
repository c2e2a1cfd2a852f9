package dev.cva.replay;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * Moves the selected messages of one DLQ to a {@link Target}. Receivers take batches of 10 (hidden for the
 * visibility timeout), keep the messages the filters do not select hidden until the end (then make them visible
 * again), archive the selected ones, and hand them to one worker per partition of message groups: a group always
 * goes to the same worker, so its order is kept, while different groups move concurrently. A worker delivers up
 * to 10 at a time under the rate cap and deletes from the DLQ only what was delivered. A message whose delivery
 * failed stays in the DLQ, and (FIFO) the later messages of its group are held back in this run; a target that
 * throws fails its whole batch that way (FAILED, with the exception in the detail). With
 * {@code stopAtFirstFailure} (the scheduled redrive) the first transient failure of the target ends the run: a new
 * outage is not hammered with the rest of the DLQ, and what was not attempted stays where it is.
 */
public final class Replayer {
    /** One message that did not move, and why. */
    public record Failure(String messageId, String groupId, String kind, String detail) {}

    /** Called with each chosen batch before any of it moves; throwing stops the run and moves nothing of it. */
    @FunctionalInterface
    public interface Archive {
        void write(String queueUrl, List<SqsPort.Message> messages, long archivedAt);
    }

    /** What a run did. {@code aborted} holds the error that stopped it early (the endpoint went away), or null. */
    public record Result(
            long received,
            long selected,
            long moved,
            long skipped,
            long failed,
            long permanent,
            long notDeleted,
            List<Failure> failures,
            String aborted,
            double seconds) {}

    public static final int MAX_FAILURES_LISTED = 100;

    private final SqsPort sqs;
    private final String dlqUrl;
    private final boolean fifo;
    private final Target target;
    private final Predicate<SqsPort.Message> filters;
    private final long max;
    private final Archive archive;
    private final Bucket rate;
    private final int workers;
    private final int receivers;
    private final int visibilitySeconds;
    private final LongConsumer progress;
    private final boolean stopAtFirstFailure;
    private final Clock clock;

    private final long maxInFlight;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Set<String> failedGroups = ConcurrentHashMap.newKeySet();
    private final List<String> held = Collections.synchronizedList(new ArrayList<>());
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong selected = new AtomicLong();
    private final AtomicLong moved = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong permanent = new AtomicLong();
    private final AtomicLong notDeleted = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final AtomicBoolean receiving = new AtomicBoolean(true);
    private volatile String aborted;
    private volatile boolean timed; // receiveFor was called: nothing is received or sent after deadlineNanos
    private volatile long deadlineNanos;

    public Replayer(
            SqsPort sqs,
            String dlqUrl,
            boolean fifo,
            Target target,
            Predicate<SqsPort.Message> filters,
            Long max,
            Archive archive,
            Double ratePerSecond,
            int workers,
            int receivers,
            Duration visibility,
            LongConsumer progress,
            Clock clock) {
        this(
                sqs,
                dlqUrl,
                fifo,
                target,
                filters,
                max,
                archive,
                ratePerSecond,
                workers,
                receivers,
                visibility,
                progress,
                clock,
                false);
    }

    public Replayer(
            SqsPort sqs,
            String dlqUrl,
            boolean fifo,
            Target target,
            Predicate<SqsPort.Message> filters,
            Long max,
            Archive archive,
            Double ratePerSecond,
            int workers,
            int receivers,
            Duration visibility,
            LongConsumer progress,
            Clock clock,
            boolean stopAtFirstFailure) {
        this.stopAtFirstFailure = stopAtFirstFailure;
        this.sqs = sqs;
        this.dlqUrl = dlqUrl;
        this.fifo = fifo;
        this.target = target;
        this.filters = filters;
        this.max = max == null ? Long.MAX_VALUE : max;
        this.archive = archive;
        this.rate = ratePerSecond == null ? null : bucket(ratePerSecond);
        this.workers = Math.max(1, workers);
        this.receivers = Math.max(1, receivers);
        this.visibilitySeconds = (int) Math.max(1, Math.min(43_200, visibility.toSeconds()));
        this.progress = progress == null ? n -> {} : progress;
        // Back-pressure: never hold more than the workers can deliver well within the visibility timeout, so no
        // received message becomes visible again (and is received a second time) while it waits for its worker.
        long byWorkers = this.workers * 30L;
        this.maxInFlight = ratePerSecond == null
                ? byWorkers
                : Math.max(10, Math.min(byWorkers, (long) (ratePerSecond * this.visibilitySeconds / 2)));
        this.clock = clock;
    }

    private static Bucket bucket(double perSecond) {
        long perMinute = Math.max(1, Math.round(perSecond * 60));
        long burst = Math.max(1, Math.min(10, Math.round(perSecond)));
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(burst)
                        .refillGreedy(perMinute, Duration.ofMinutes(1))
                        .build())
                .build();
    }

    /**
     * Receives and sends nothing more once {@code budget} has passed from now: a send under way finishes, and what was
     * received but not yet sent is made visible again (counted as skipped). For a run inside a time limit (a Lambda's
     * timeout).
     */
    public Replayer receiveFor(Duration budget) {
        deadlineNanos = System.nanoTime() + budget.toNanos();
        timed = true;
        return this;
    }

    public Result run() {
        long start = System.nanoTime();
        List<BlockingQueue<SqsPort.Message>> partitions = new ArrayList<>();
        List<Thread> workerThreads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            BlockingQueue<SqsPort.Message> q = new LinkedBlockingQueue<>();
            partitions.add(q);
            workerThreads.add(start("replay-worker-" + i, () -> work(q)));
        }
        List<Thread> receiverThreads = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            receiverThreads.add(start("replay-receiver-" + i, () -> receive(partitions)));
        }
        join(receiverThreads);
        receiving.set(false);
        join(workerThreads);
        releaseHeld();
        return new Result(
                received.get(),
                selected.get(),
                moved.get(),
                skipped.get(),
                failed.get(),
                permanent.get(),
                notDeleted.get(),
                List.copyOf(failures),
                aborted,
                (System.nanoTime() - start) / 1e9);
    }

    private void receive(List<BlockingQueue<SqsPort.Message>> partitions) {
        int empty = 0;
        while (aborted == null && selected.get() < max && !pastDeadline()) {
            if (inFlight.get() >= maxInFlight) {
                sleep(2);
                continue;
            }
            List<SqsPort.Message> batch;
            try {
                batch = sqs.receive(dlqUrl, 10, visibilitySeconds, empty == 0 ? 0 : 1);
            } catch (SqsFailure e) {
                abort(e.getMessage());
                return;
            }
            if (batch.isEmpty()) {
                if (inFlight.get() > 0) {
                    sleep(5); // what is in flight may unblock FIFO groups: look again
                    continue;
                }
                // The end: nothing of ours in flight, and nothing visible (the attribute is exact on ElasticMQ and
                // approximate on SQS, where a second, long-polling receive confirms).
                if ((empty == 0 && visibleNow() == 0) || ++empty >= 2) {
                    return;
                }
                continue;
            }
            received.addAndGet(batch.size());
            List<SqsPort.Message> chosen = new ArrayList<>();
            int fresh = 0;
            for (SqsPort.Message m : batch) {
                if (!seen.add(m.messageId())) {
                    // Seen before in this run (its visibility ran out): it is handled or held already. Hold it under
                    // its new receipt handle too, so the end of the run makes it visible at once.
                    held.add(m.receiptHandle());
                    continue;
                }
                fresh++;
                boolean match = filters.test(m);
                if (match && selected.incrementAndGet() <= max) {
                    chosen.add(m);
                } else {
                    if (match) {
                        selected.decrementAndGet(); // over --max: it stays, like an unselected one
                    }
                    skipped.incrementAndGet();
                    held.add(m.receiptHandle());
                }
            }
            if (fresh == 0) {
                // Only messages this run has handled already, back after their visibility timeout (a slow machine, a
                // short timeout, a failed group held back): nothing new is coming. Without this, such messages keep
                // the queue from ever looking empty and the run never ends.
                if (inFlight.get() == 0 && ++empty >= 2) {
                    return;
                }
                continue;
            }
            empty = 0;
            if (chosen.isEmpty()) {
                continue;
            }
            if (archive != null) {
                try {
                    archive.write(dlqUrl, chosen, clock.millis());
                } catch (RuntimeException e) {
                    chosen.forEach(m -> held.add(m.receiptHandle()));
                    abort(e.getMessage());
                    return;
                }
            }
            inFlight.addAndGet(chosen.size());
            for (SqsPort.Message m : chosen) {
                int p = fifo && m.groupId() != null
                        ? Math.floorMod(m.groupId().hashCode(), workers)
                        : Math.floorMod(roundRobin.getAndIncrement(), workers);
                partitions.get(p).add(m);
            }
        }
    }

    private void work(BlockingQueue<SqsPort.Message> queue) {
        while (true) {
            SqsPort.Message first;
            try {
                first = queue.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                if (!receiving.get() && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            List<SqsPort.Message> batch = new ArrayList<>(10);
            batch.add(first);
            queue.drainTo(batch, 9);
            try {
                deliver(batch);
            } catch (RuntimeException e) {
                // A bug of ours must end the run, not leave the receivers waiting for this batch forever; its
                // messages were not deleted, so they reappear in the DLQ when their visibility timeout ends.
                abort("replay worker failed: " + e);
            } finally {
                inFlight.addAndGet(-batch.size());
            }
        }
    }

    private void deliver(List<SqsPort.Message> batch) {
        List<SqsPort.Message> go = new ArrayList<>();
        for (SqsPort.Message m : batch) {
            if (aborted != null) {
                fail(m, "FAILED", "not attempted: " + aborted);
            } else if (pastDeadline()) {
                leave(m);
            } else if (fifo && m.groupId() != null && failedGroups.contains(m.groupId())) {
                fail(m, "FAILED", "held back: an earlier message of its group failed");
            } else {
                go.add(m);
            }
        }
        if (go.isEmpty()) {
            return;
        }
        if (rate != null) {
            try {
                rate.asBlocking().consume(go.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                go.forEach(m -> fail(m, "FAILED", "interrupted"));
                return;
            }
            if (pastDeadline()) { // the rate made this batch wait past the run's time
                go.forEach(this::leave);
                return;
            }
        }
        List<Target.Outcome> outcomes;
        try {
            outcomes = target.deliver(go);
            if (outcomes == null || outcomes.size() != go.size()) {
                throw new IllegalStateException(
                        "answered " + (outcomes == null ? "null" : outcomes.size() + " outcomes") + " for " + go.size()
                                + " messages");
            }
        } catch (RuntimeException e) {
            // A target that throws fails its batch: nothing of it is deleted, so it all stays in the DLQ.
            String why = target.describe() + " threw " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage());
            outcomes = go.stream()
                    .map(m -> new Target.Outcome(Target.Kind.FAILED, why))
                    .toList();
        }
        List<SqsPort.Message> delivered = new ArrayList<>();
        for (int i = 0; i < go.size(); i++) {
            SqsPort.Message m = go.get(i);
            Target.Outcome o = outcomes.get(i);
            if (o.kind() == Target.Kind.DELIVERED) {
                delivered.add(m);
            } else {
                if (fifo && m.groupId() != null) {
                    failedGroups.add(m.groupId());
                }
                fail(m, o.kind().name(), o.detail());
                if (stopAtFirstFailure && o.kind() == Target.Kind.FAILED) {
                    abort(target.describe() + " failing: " + o.detail());
                }
            }
        }
        if (delivered.isEmpty()) {
            return;
        }
        try {
            List<SqsPort.EntryResult> deleted = sqs.delete(
                    dlqUrl,
                    delivered.stream().map(SqsPort.Message::receiptHandle).toList());
            for (int i = 0; i < delivered.size(); i++) {
                if (deleted.get(i).ok()) {
                    moved.incrementAndGet();
                } else {
                    notDeleted(delivered.get(i), deleted.get(i).error());
                }
            }
        } catch (SqsFailure e) {
            delivered.forEach(m -> notDeleted(m, e.getMessage()));
            if (e.unavailable()) {
                abort(e.getMessage());
            }
        }
        progress.accept(delivered.size());
    }

    private long visibleNow() {
        try {
            return Long.parseLong(sqs.attributes(dlqUrl).getOrDefault("ApproximateNumberOfMessages", "1"));
        } catch (SqsFailure | NumberFormatException e) {
            return 1;
        }
    }

    private void notDeleted(SqsPort.Message m, String error) {
        notDeleted.incrementAndGet();
        record(new Failure(m.messageId(), m.groupId(), "NOT_DELETED", "delivered but still in the DLQ: " + error));
    }

    private boolean pastDeadline() {
        return timed && System.nanoTime() - deadlineNanos >= 0;
    }

    /** Not sent, for lack of time: it becomes visible again for the next run, like a message not selected. */
    private void leave(SqsPort.Message m) {
        skipped.incrementAndGet();
        held.add(m.receiptHandle());
        progress.accept(1);
    }

    private void fail(SqsPort.Message m, String kind, String detail) {
        (kind.equals("PERMANENT") ? permanent : failed).incrementAndGet();
        held.add(m.receiptHandle());
        record(new Failure(m.messageId(), m.groupId(), kind, detail));
        progress.accept(1);
    }

    private void record(Failure f) {
        synchronized (failures) {
            if (failures.size() < MAX_FAILURES_LISTED) {
                failures.add(f);
            }
        }
    }

    private void abort(String why) {
        if (aborted == null) {
            aborted = why;
        }
    }

    /** Makes the messages this run kept hidden visible again; if the endpoint is gone they reappear after the timeout. */
    private void releaseHeld() {
        List<String> handles;
        synchronized (held) {
            handles = List.copyOf(held);
        }
        try {
            sqs.release(dlqUrl, handles);
        } catch (SqsFailure ignored) {
            // they become visible when their visibility timeout ends
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
