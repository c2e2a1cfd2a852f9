package dev.cva.notifier.redrive;

import dev.cva.contracts.logging.JsonLog;
import dev.cva.replay.Replayer;
import dev.cva.replay.SqsPort;
import dev.cva.replay.Target;
import dev.cva.replay.WebhookTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** One redrive run over the webhook DLQ with the shared replay engine ({@link Replayer}). */
public final class Redrive {
    public static final double DEFAULT_MAX_PER_SECOND = 75;
    /** Time kept free at the end of an invocation: the last batch, its deletes and the release of the rest. */
    static final long MARGIN_MS = 15_000;

    static final int WORKERS = 4;
    static final int FAILURES_LOGGED = 10;

    /** What a run did, as the handler returns it and the log line shows it. */
    public record Outcome(
            long moved, long failed, long permanent, long skipped, long notDeleted, String stoppedBy, double seconds) {
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("moved", moved);
            m.put("failed", failed);
            m.put("permanent", permanent);
            m.put("skipped", skipped);
            m.put("notDeleted", notDeleted);
            m.put("stoppedBy", stoppedBy);
            m.put("seconds", seconds);
            return m;
        }
    }

    private final SqsPort sqs;
    private final String dlqUrl;
    private final Target receiver;
    private final double maxPerSecond;
    private final JsonLog log;
    private final Clock clock;

    public Redrive(SqsPort sqs, String dlqUrl, Target receiver, double maxPerSecond, JsonLog log, Clock clock) {
        this.sqs = sqs;
        this.dlqUrl = dlqUrl;
        this.receiver = receiver;
        this.maxPerSecond = maxPerSecond;
        this.log = log;
        this.clock = clock;
    }

    JsonLog log() {
        return log;
    }

    static double maxPerSecond(Map<String, String> env) {
        String v = env.get("REDRIVE_MAX_PER_SECOND");
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_PER_SECOND;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (d <= 0) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("REDRIVE_MAX_PER_SECOND must be a number above 0, was '" + v + "'");
        }
    }

    /**
     * Only what a healthy receiver will take: not a record the notifier found invalid, nor one the receiver refused
     * for good (a 4xx other than 401/408/429). Those stay in the DLQ for {@code cva replay-dlq}. A 401 is taken back:
     * the receiver's replay guard refuses a resend signed within the same second as the first delivery (a stream
     * retry), and after a secret rotation an old 401 becomes deliverable; re-signed with a fresh id, a record already
     * stored is answered "duplicate" (2xx) and leaves the DLQ.
     */
    static final Predicate<SqsPort.Message> REDRIVABLE = m -> {
        SqsPort.Attr reason = m.attributes().get("reason");
        if (reason != null
                && reason.stringValue() != null
                && reason.stringValue().startsWith("invalid record")) {
            return false;
        }
        SqsPort.Attr status = m.attributes().get("lastStatus");
        try {
            if (status == null || status.stringValue() == null) {
                return true;
            }
            int s = Integer.parseInt(status.stringValue().strip());
            return s == 401 || !WebhookTarget.permanent(s);
        } catch (NumberFormatException e) {
            return true;
        }
    };

    /**
     * @param remainingMillis the invocation's time left: the run receives for that less {@link #MARGIN_MS} and moves at
     *                        most what the rate allows in it; what it received by then it still delivers
     */
    public Outcome run(long remainingMillis) {
        return run(remainingMillis, log);
    }

    /** {@link #run(long)} logging to {@code log} (e.g. the invocation's, with its awsRequestId). */
    public Outcome run(long remainingMillis, JsonLog log) {
        long budgetMs = Math.max(1_000, remainingMillis - MARGIN_MS);
        long max = Math.max(1, (long) (maxPerSecond * budgetMs / 1000));
        Replayer.Result r = new Replayer(
                        sqs,
                        dlqUrl,
                        false,
                        receiver,
                        REDRIVABLE,
                        max,
                        null,
                        maxPerSecond,
                        WORKERS,
                        1,
                        Duration.ofMillis(Math.max(30_000, budgetMs + MARGIN_MS)),
                        null,
                        clock,
                        true)
                .receiveFor(Duration.ofMillis(budgetMs))
                .run();
        Outcome o = new Outcome(
                r.moved(),
                r.failed(),
                r.permanent(),
                r.skipped(),
                r.notDeleted(),
                r.aborted(),
                Math.round(r.seconds() * 100) / 100.0);
        Object[] fields = {
            "event",
            "redrive",
            "dlqUrl",
            dlqUrl,
            "target",
            receiver.describe(),
            "moved",
            o.moved(),
            "failed",
            o.failed(),
            "permanent",
            o.permanent(),
            "skipped",
            o.skipped(),
            "notDeleted",
            o.notDeleted(),
            "stoppedBy",
            o.stoppedBy(),
            "seconds",
            o.seconds(),
            "maxPerSecond",
            maxPerSecond
        };
        if (o.stoppedBy() != null) {
            log.warn("redrive stopped early: the receiver is failing again; the rest stays in the DLQ", fields);
        } else if (o.moved() > 0 || o.failed() > 0 || o.permanent() > 0) {
            log.info("redrive moved webhook dead letters back to the receiver", fields);
        } else {
            log.info("redrive: nothing to move", fields);
        }
        r.failures().stream()
                .limit(FAILURES_LOGGED)
                .forEach(f -> log.warn(
                        "redrive: not moved",
                        "event",
                        "redrive_failure",
                        "messageId",
                        f.messageId(),
                        "kind",
                        f.kind(),
                        "detail",
                        f.detail()));
        return o;
    }
}
