package dev.cva.cli.cost;

import dev.cva.cli.CvaException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * {@code cva cost --month} on the {@code local} environment, which has no bill: what the local stack's measured
 * traffic would cost in the clouds over the month. The stack's queries per second since its baseline
 * ({@code GET /metrics}) are kept up for every second of the month and priced with the measured model, the same
 * model as {@code cva cost estimate --env local}. Always labelled an estimate.
 */
public final class LocalMonth {
    public static final String KIND = "estimate";
    private static final BigDecimal SECONDS_PER_DAY = BigDecimal.valueOf(86_400);
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The month's estimate and what it rests on. {@code budget} is null when none is set (it is only compared). */
    public record Report(
            String environment,
            String month,
            int daysInMonth,
            String basis,
            BigDecimal queriesPerSecond,
            long queriesPerMonth,
            Estimator.Estimate estimate,
            CostReport.Budget budget) {
        public String kind() {
            return KIND;
        }
    }

    private LocalMonth() {}

    /**
     * @param today the caller's today: the stack measures now, so only the current month can be estimated
     * @throws CvaException (usage) for another month
     */
    public static Report estimate(
            String environment,
            MeasuredModel model,
            PriceBook book,
            YearMonth month,
            LocalDate today,
            Fx fx,
            By by,
            CostService.BudgetSetting budget) {
        requireCurrent(month, today);
        MeasuredModel.Summary m = model.summary();
        if (m.seconds() <= 0) {
            throw new IllegalStateException("the local stack measured no time since " + m.since());
        }
        BigDecimal perSecond = m.queries().divide(BigDecimal.valueOf(m.seconds()), PriceBook.MC);
        BigDecimal monthSeconds = SECONDS_PER_DAY.multiply(BigDecimal.valueOf(month.lengthOfMonth()));
        long queries = perSecond
                .multiply(monthSeconds)
                .setScale(0, RoundingMode.HALF_EVEN)
                .longValueExact();
        Estimator.Estimate e = new Estimator(book, model).estimate(queries, fx, by == null ? By.service : by);
        String basis = "local measurements " + window(m) + " (" + Math.round(m.seconds()) + " s, "
                + CostRender.count(m.queries()) + " queries, "
                + perSecond
                        .round(new java.math.MathContext(3))
                        .stripTrailingZeros()
                        .toPlainString() + " a second) scaled to the month (" + month.lengthOfMonth()
                + " days): " + CostRender.count(BigDecimal.valueOf(queries)) + " queries";
        CostReport.Budget b = null;
        if (budget != null && budget.amount() != null && budget.amount().signum() > 0) {
            b = new CostReport.Budget(
                    budget.amount(),
                    budget.origin(),
                    Pricing.percent(e.total(), budget.amount()),
                    e.total().compareTo(budget.amount()) > 0);
        }
        return new Report(environment, month.toString(), month.lengthOfMonth(), basis, perSecond, queries, e, b);
    }

    /** The stack measures now: only the current month can be estimated (usage error otherwise). */
    public static void requireCurrent(YearMonth month, LocalDate today) {
        YearMonth current = YearMonth.from(today);
        if (!month.equals(current)) {
            throw CvaException.usage(
                    "the local stack keeps no history: it can estimate the current month (" + current
                            + ") from what it measures now, not " + month,
                    "drop the month (cva cost --month), or pass --env prod for " + month + "'s bill");
        }
    }

    /** "2026-12-07 10:00:00..10:02:00 UTC" (the date repeated only when the window crosses midnight). */
    static String window(MeasuredModel.Summary m) {
        try {
            Instant since = Instant.parse(m.since());
            Instant until = since.plusMillis(Math.round(m.seconds() * 1000));
            String from = MINUTE.format(since);
            String to = MINUTE.format(until);
            return from + ".." + (from.substring(0, 10).equals(to.substring(0, 10)) ? to.substring(11) : to) + " UTC";
        } catch (DateTimeParseException e) {
            return "since " + m.since();
        }
    }
}
