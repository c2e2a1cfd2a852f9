package dev.cva.cli.webhook;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * A fixed-rate load: request {@code i} is due at {@code start + i / rate}, whatever happened before it. Workers
 * (at most {@code concurrency} requests in flight) take the next due request, prepare it ahead of time (sign a
 * unique payload), wait for its due time and send it. Latency is measured from the due time, not from the moment
 * a worker got round to sending, so a stalled receiver shows up in the percentiles instead of silently slowing the
 * schedule down (coordinated omission). Time comes from an injectable {@link Ticker}.
 */
public final class LoadGenerator {
    public static final double MAX_RATE = 100_000;
    public static final Duration MAX_DURATION = Duration.ofMinutes(10);
    public static final int MAX_CONCURRENCY = 1024;
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    /** Monotonic time in nanoseconds and a way to wait for it. */
    public interface Ticker {
        long nanoTime();

        void sleepUntil(long nanoTime) throws InterruptedException;

        static Ticker system() {
            return new Ticker() {
                @Override
                public long nanoTime() {
                    return System.nanoTime();
                }

                @Override
                public void sleepUntil(long deadline) throws InterruptedException {
                    long left;
                    while ((left = deadline - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(left);
                        if (Thread.interrupted()) {
                            throw new InterruptedException();
                        }
                    }
                }
            };
        }
    }

    /** Prepares request {@code index} (off the clock of the request) and sends it, answering the HTTP status. */
    public interface Target<R> {
        R prepare(long index);

        int send(R request) throws Exception;
    }

    /** Called about once per {@code progressEvery} from the calling thread while the load runs. */
    public interface Progress {
        void update(long completed, long total, long failed, double elapsedSeconds);
    }

    /**
     * @param warmup sent at the same rate before {@code duration} but left out of the report: the JIT, class loading
     *               and connection set-up of a fresh JVM would otherwise dominate the tail of a short run
     */
    public record Plan(double rate, Duration duration, int concurrency, Duration warmup) {
        public Plan(double rate, Duration duration, int concurrency) {
            this(rate, duration, concurrency, Duration.ZERO);
        }

        public Plan {
            if (warmup.isNegative() || warmup.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(
                        "warmup must be between 0 and " + MAX_DURATION.toMinutes() + " minutes");
            }
            if (!(rate > 0 && rate <= MAX_RATE)) {
                throw new IllegalArgumentException(
                        "rate must be above 0 and at most " + (long) MAX_RATE + " per second");
            }
            if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(
                        "duration must be above 0 and at most " + MAX_DURATION.toMinutes() + " minutes");
            }
            if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
                throw new IllegalArgumentException("concurrency must be between 1 and " + MAX_CONCURRENCY);
            }
        }

        /** How many requests are measured: rate × duration, at least one. */
        public long total() {
            return Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
        }

        /** How many requests are sent first to warm up, and not measured. */
        public long warmupTotal() {
            return Math.round(rate * warmup.toNanos() / 1e9);
        }

        long dueOffsetNanos(long index) {
            return Math.round(index * 1e9 / rate);
        }
    }

    private final Ticker ticker;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final boolean cpuClock;

    /** @param ticker the time the schedule and the latencies use; the generator's own CPU cost is measured besides */
    public LoadGenerator(Ticker ticker) {
        this.ticker = ticker;
        this.cpuClock = threads.isCurrentThreadCpuTimeSupported();
    }

    public <R> LoadReport run(Plan plan, Target<R> target, Progress progress, Duration progressEvery)
            throws InterruptedException {
        long total = plan.warmupTotal() + plan.total();
        AtomicLong next = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(plan.concurrency());
        List<Worker<R>> workers = new ArrayList<>();
        long start = ticker.nanoTime();
        for (int w = 0; w < plan.concurrency(); w++) {
            Worker<R> worker = new Worker<>(plan, target, start, total, next, completed, failed, stop, done);
            workers.add(worker);
            Thread t = new Thread(worker, "cva-load-" + w);
            t.setDaemon(true);
            worker.thread = t;
            t.start();
        }
        try {
            while (!done.await(progressEvery.toMillis(), TimeUnit.MILLISECONDS)) {
                if (progress != null) {
                    progress.update(completed.get(), total, failed.get(), (ticker.nanoTime() - start) / 1e9);
                }
            }
        } catch (InterruptedException e) {
            stop.set(true);
            workers.forEach(w -> w.thread.interrupt());
            throw e;
        }
        return report(plan, start + plan.dueOffsetNanos(plan.warmupTotal()), workers);
    }

    private LoadReport report(Plan plan, long start, List<? extends Worker<?>> workers) {
        Histogram latency = new Histogram(HIGHEST_MICROS, 3);
        Histogram service = new Histogram(HIGHEST_MICROS, 3);
        Map<String, Long> statuses = new TreeMap<>();
        long lastEnd = start, maxLag = 0, prepareNanos = 0, prepareCpuNanos = 0, prepared = 0, ok = 0, count = 0;
        String firstError = null;
        for (Worker<?> w : workers) {
            latency.add(w.latency);
            service.add(w.service);
            w.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
            lastEnd = Math.max(lastEnd, w.lastEnd);
            maxLag = Math.max(maxLag, w.maxLag);
            prepareNanos += w.prepareNanos;
            prepareCpuNanos += w.prepareCpuNanos;
            prepared += w.prepared;
            ok += w.ok;
            count += w.count;
            firstError = firstError == null ? w.firstError : firstError;
        }
        double elapsed = Math.max(1e-9, (lastEnd - start) / 1e9);
        return new LoadReport(
                plan.rate(),
                plan.duration().toMillis() / 1000.0,
                plan.concurrency(),
                plan.total(),
                count,
                round(count / elapsed, 1),
                round(elapsed, 3),
                statuses,
                ok,
                count - ok,
                LoadReport.Latency.of(latency),
                LoadReport.Latency.of(service),
                round(maxLag / 1e6, 2),
                prepared == 0 ? 0 : round(prepareNanos / 1e3 / prepared, 1),
                prepared == 0 || !cpuClock ? 0 : round(prepareCpuNanos / 1e3 / prepared, 1),
                firstError);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private final class Worker<R> implements Runnable {
        final Plan plan;
        final Target<R> target;
        final long start;
        final long total;
        final AtomicLong next;
        final AtomicLong completed;
        final AtomicLong failed;
        final AtomicBoolean stop;
        final CountDownLatch done;
        final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
        final Histogram service = new Histogram(HIGHEST_MICROS, 3);
        final Map<String, Long> statuses = new TreeMap<>();
        Thread thread;
        long lastEnd;
        long maxLag;
        long prepareNanos;
        long prepareCpuNanos;
        long prepared;
        long ok;
        long count;
        String firstError;

        Worker(
                Plan plan,
                Target<R> target,
                long start,
                long total,
                AtomicLong next,
                AtomicLong completed,
                AtomicLong failed,
                AtomicBoolean stop,
                CountDownLatch done) {
            this.plan = plan;
            this.target = target;
            this.start = start;
            this.total = total;
            this.next = next;
            this.completed = completed;
            this.failed = failed;
            this.stop = stop;
            this.done = done;
        }

        @Override
        public void run() {
            try {
                long i;
                long warmup = plan.warmupTotal();
                while (!stop.get() && (i = next.getAndIncrement()) < total) {
                    long due = start + plan.dueOffsetNanos(i);
                    long p0 = ticker.nanoTime();
                    long c0 = cpuClock ? threads.getCurrentThreadCpuTime() : 0;
                    R request = target.prepare(i);
                    if (i >= warmup) {
                        prepareNanos += ticker.nanoTime() - p0;
                        prepareCpuNanos += cpuClock ? threads.getCurrentThreadCpuTime() - c0 : 0;
                        prepared++;
                    }
                    ticker.sleepUntil(due);
                    long sent = ticker.nanoTime();
                    String key;
                    boolean success = false;
                    try {
                        int status = target.send(request);
                        key = Integer.toString(status);
                        success = status >= 200 && status < 300;
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        key = "error";
                        if (firstError == null) {
                            firstError = e.getClass().getSimpleName()
                                    + (e.getMessage() == null ? "" : ": " + e.getMessage());
                        }
                    }
                    long end = ticker.nanoTime();
                    if (i < warmup) {
                        completed.incrementAndGet();
                        continue;
                    }
                    latency.recordValue(clamp((end - due) / 1000));
                    service.recordValue(clamp((end - sent) / 1000));
                    maxLag = Math.max(maxLag, sent - due);
                    lastEnd = Math.max(lastEnd, end);
                    statuses.merge(key, 1L, Long::sum);
                    count++;
                    if (success) {
                        ok++;
                    } else {
                        failed.incrementAndGet();
                    }
                    completed.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        }

        private long clamp(long micros) {
            return Math.max(0, Math.min(HIGHEST_MICROS, micros));
        }
    }
}
