package dev.cva.reporter;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An ISO-8601 week in UTC, written {@code 2026-W47} as in the analytics records' {@code week}. */
public record IsoWeek(int year, int week) {
    private static final Pattern FORMAT = Pattern.compile("^([0-9]{4})-W([0-9]{2})$");

    public IsoWeek {
        LocalDate probe = LocalDate.of(year, 6, 1);
        long weeks = probe.range(IsoFields.WEEK_OF_WEEK_BASED_YEAR).getMaximum();
        if (week < 1 || week > weeks) {
            throw new IllegalArgumentException(year + " has ISO weeks 1.." + weeks + ", not " + week);
        }
    }

    public static IsoWeek parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("week must look like 2026-W47, was '" + text + "'");
        }
        return new IsoWeek(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public static IsoWeek of(LocalDate date) {
        return new IsoWeek(date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /** The last complete Monday-to-Sunday week before {@code clock}'s current day (UTC). */
    public static IsoWeek lastFull(Clock clock) {
        return of(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusWeeks(1));
    }

    public LocalDate monday() {
        return LocalDate.of(year, 6, 1)
                .with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week)
                .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    public LocalDate sunday() {
        return monday().plusDays(6);
    }

    public Instant start() {
        return monday().atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    @Override
    public String toString() {
        return String.format("%04d-W%02d", year, week);
    }
}
