package dev.cva.cli.stack;

import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.local.LocalAws;
import dev.cva.local.lambda.Invoker;
import dev.cva.local.lambda.LambdaFunction;
import dev.cva.local.lambda.RuntimeApi;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The notifier's scheduled redrive on the local stack: its second handler ({@code services.notifier.redrive.handler})
 * as a function of its own, invoked every {@code CVA_LOCAL_REDRIVE_SECONDS} (10 s by default) instead of the
 * production schedule ({@code services.notifier.redrive.schedule}), so a rehearsed outage heals in seconds.
 * The stack's console shows a run only when it moved or failed something: a run that moved dead letters back is a
 * note, one that failed or stopped early a warning, one with nothing to move nothing at all (it runs every 10 s).
 */
final class LocalRedrive implements AutoCloseable {
    static final String NAME = "redrive";
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** As the Terraform's default, when cva.yaml names no rate. */
    static final double DEFAULT_MAX_PER_SECOND = 75;

    private final LambdaFunction function;
    private final Thread thread;
    private final Duration interval;

    private LocalRedrive(LambdaFunction function, Thread thread, Duration interval) {
        this.function = function;
        this.thread = thread;
        this.interval = interval;
    }

    /** Starts the function and its schedule; null when cva.yaml configures no redrive for the notifier. */
    static LocalRedrive start(
            CvaConfig.Service notifier,
            Path notifierJar,
            List<Path> lambdaRuntime,
            Map<String, String> lambdaEnv,
            String region,
            Path logs,
            Map<String, String> userEnv,
            Clock clock,
            Consumer<String> note,
            Consumer<String> warn) {
        CvaConfig.Redrive r = notifier.redrive();
        if (r == null || r.handler() == null) {
            return null;
        }
        Map<String, String> env = new LinkedHashMap<>(lambdaEnv);
        // CVA_LOCAL_REDRIVE_RATE overrides services.notifier.redrive.maxPerSecond on this machine (benchmarks)
        String rate = userEnv.get("CVA_LOCAL_REDRIVE_RATE");
        env.put(
                "REDRIVE_MAX_PER_SECOND",
                rate != null && !rate.isBlank()
                        ? rate.strip()
                        : String.valueOf(r.maxPerSecond() == null ? DEFAULT_MAX_PER_SECOND : r.maxPerSecond()));
        LambdaFunction f = LambdaFunction.start(new LambdaFunction.Spec(
                NAME,
                "cv-analytics-notifier-redrive",
                r.handler(),
                notifierJar,
                lambdaRuntime,
                env,
                region,
                256,
                Duration.ofSeconds(notifier.redriveTimeoutSeconds() != null ? notifier.redriveTimeoutSeconds() : 60),
                1,
                logs,
                List.of(),
                notifier.runtime()));
        Duration interval = interval(userEnv);
        Thread t = new Thread(() -> loop(f, interval, region, clock, note, warn), "redrive-schedule");
        t.setDaemon(true);
        return new LocalRedrive(f, t, interval);
    }

    static Duration interval(Map<String, String> env) {
        String v = env.get("CVA_LOCAL_REDRIVE_SECONDS");
        try {
            return v == null || v.isBlank()
                    ? DEFAULT_INTERVAL
                    : Duration.ofMillis((long) (Double.parseDouble(v.strip()) * 1000));
        } catch (NumberFormatException e) {
            return DEFAULT_INTERVAL;
        }
    }

    LocalRedrive awaitReady(Duration timeout) {
        function.awaitReady(timeout);
        thread.start();
        return this;
    }

    LambdaFunction function() {
        return function;
    }

    LocalState.Part part() {
        return new LocalState.Part(
                NAME,
                function.runtimeApiUrl(),
                function.child().pid(),
                function.port(),
                "notifier redrive every " + interval.toMillis() / 1000.0
                        + " s (local), the webhook DLQ to the receiver");
    }

    private static void loop(
            Invoker f, Duration interval, String region, Clock clock, Consumer<String> note, Consumer<String> warn) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Invoker.Result r = f.invoke(event(clock, region));
            if (r.error()) {
                warn.accept("schedule redrive: failed: " + RuntimeApi.brief(r.body()));
                continue;
            }
            switch (level(r.body())) {
                case NOTE -> note.accept("schedule redrive: " + r.body());
                case WARN -> warn.accept("schedule redrive: " + r.body());
                case NONE -> {}
            }
        }
    }

    enum Level {
        NONE,
        NOTE,
        WARN
    }

    /**
     * How a run's outcome ({@code {moved, failed, permanent, skipped, notDeleted, stoppedBy, seconds}}) is shown.
     * The runtime leaves null fields out of the answer, so a run that was not stopped has no {@code stoppedBy} at all.
     */
    static Level level(String body) {
        try {
            var n = dev.cva.cli.CvaContext.json().readTree(body);
            if (n == null || !n.isObject()) {
                return Level.WARN;
            }
            // permanent: the receiver refused some for good this run (they stay in the DLQ for a person)
            if (n.path("failed").asLong() > 0
                    || n.path("permanent").asLong() > 0
                    || n.path("notDeleted").asLong() > 0
                    || n.hasNonNull("stoppedBy")) {
                return Level.WARN;
            }
            return n.path("moved").asLong() > 0 ? Level.NOTE : Level.NONE;
        } catch (java.io.IOException e) {
            return Level.WARN;
        }
    }

    /** The event EventBridge Scheduler sends. */
    static String event(Clock clock, String region) {
        return "{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":\"Scheduled Event\","
                + "\"source\":\"aws.scheduler\",\"account\":\"" + LocalAws.ACCOUNT + "\",\"time\":\"" + clock.instant()
                + "\",\"region\":\"" + region + "\",\"resources\":[\"arn:aws:scheduler:" + region + ":"
                + LocalAws.ACCOUNT
                + ":schedule/default/cv-analytics-notifier-redrive\"],\"detail\":{}}";
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        function.close();
    }
}
