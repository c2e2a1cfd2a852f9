package dev.cva.cli.stack;

import dev.cva.local.LocalAws;
import dev.cva.local.lambda.Invoker;
import dev.cva.local.lambda.RuntimeApi;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.UUID;
import java.util.function.Consumer;

/** EventBridge's {@code cron(0 7 ? * MON *)} (UTC) for the reporter, computed with java.time. */
public final class WeeklySchedule implements Runnable {
    static final String EXPRESSION = "cron(0 7 ? * MON *)";

    private final Clock clock;
    private final Invoker function;
    private final String region;
    private final Consumer<String> log;

    WeeklySchedule(Clock clock, Invoker function, String region, Consumer<String> log) {
        this.clock = clock;
        this.function = function;
        this.region = region;
        this.log = log;
    }

    /** The first Monday 07:00 UTC strictly after {@code now}. */
    static Instant next(Instant now) {
        ZonedDateTime t = now.atZone(ZoneOffset.UTC);
        ZonedDateTime candidate = t.with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY))
                .withHour(7)
                .withMinute(0)
                .withSecond(0)
                .withNano(0);
        if (!candidate.toInstant().isAfter(now)) {
            candidate = candidate.plusWeeks(1);
        }
        return candidate.toInstant();
    }

    /** ISO week of {@code instant} in UTC, e.g. {@code 2026-W48}. */
    public static String isoWeek(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        return String.format("%d-W%02d", t.get(IsoFields.WEEK_BASED_YEAR), t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /** The scheduled event EventBridge sends at {@code time}. */
    String event(Instant time) {
        return "{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":\"Scheduled Event\","
                + "\"source\":\"aws.events\",\"account\":\"" + LocalAws.ACCOUNT + "\",\"time\":\"" + time + "\","
                + "\"region\":\"" + region + "\",\"resources\":[\"arn:aws:events:" + region + ":" + LocalAws.ACCOUNT
                + ":rule/cv-analytics-weekly-report\"],\"detail\":{}}";
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            Instant at = next(clock.instant());
            try {
                Thread.sleep(Math.max(0, Duration.between(clock.instant(), at).toMillis()));
            } catch (InterruptedException e) {
                return;
            }
            Invoker.Result r = function.invoke(event(at));
            log.accept("schedule " + EXPRESSION + ": reporter "
                    + (r.error() ? "failed: " + RuntimeApi.brief(r.body()) : "ran"));
        }
    }
}
