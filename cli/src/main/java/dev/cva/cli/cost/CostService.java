package dev.cva.cli.cost;

import dev.cva.cli.CvaException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the month's report: AWS actuals and forecast from Cost Explorer, GCP actuals from the billing export,
 * the previous month for the change, the budget's share. Amounts stay unrounded {@link BigDecimal}s.
 */
public final class CostService {
    static final String UNTAGGED = "(untagged)";

    private final AwsCostSource aws;
    private final GcpCostSource gcp;
    private final Clock clock;
    private final AwsFreeTierSource freeTier;
    private final List<CostReport.MissingCloud> missing;

    /** @param gcp null when no billing export is configured */
    public CostService(AwsCostSource aws, GcpCostSource gcp, Clock clock) {
        this(aws, gcp, clock, null);
    }

    /** @param freeTier the AWS Free Tier API, or null not to ask it */
    public CostService(AwsCostSource aws, GcpCostSource gcp, Clock clock, AwsFreeTierSource freeTier) {
        this(aws, gcp, clock, freeTier, List.of());
    }

    /**
     * @param aws     null when AWS is left out ({@code missing} says why)
     * @param missing the clouds left out for want of credentials: named in the notes and the report
     */
    public CostService(
            AwsCostSource aws,
            GcpCostSource gcp,
            Clock clock,
            AwsFreeTierSource freeTier,
            List<CostReport.MissingCloud> missing) {
        this.aws = aws;
        this.gcp = gcp;
        this.clock = clock;
        this.freeTier = freeTier;
        this.missing = List.copyOf(missing);
    }

    /** The budget in the report's currency, with where it came from; null amount for none. */
    public record BudgetSetting(BigDecimal amount, String origin) {}

    private record Key(String cloud, String service, String product) {}

    private static final class Acc {
        BigDecimal mtd = BigDecimal.ZERO;
        BigDecimal forecast = BigDecimal.ZERO;
        BigDecimal previous = BigDecimal.ZERO;
    }

    public CostReport report(String environment, YearMonth month, Fx fx, By by, BudgetSetting budget) {
        LocalDate today = LocalDate.now(clock);
        YearMonth current = YearMonth.from(today);
        if (month.isAfter(current)) {
            throw CvaException.usage(
                    "month " + month + " has not started yet (today is " + today + ")",
                    "pass --month current or a past month");
        }
        boolean complete = month.isBefore(current);
        int elapsedDays = complete ? month.lengthOfMonth() : today.getDayOfMonth() - 1;
        List<String> sources = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        missing.forEach(m -> notes.add(m.label() + " not included: " + m.reason() + " (" + m.hint() + ")"));
        Map<Key, Acc> rows = new LinkedHashMap<>();
        String method = complete ? "actual (month complete)" : "GCP: month to date scaled by the month's days";
        if (aws != null) {
            method = aws(month, today, complete, elapsedDays, fx, by, rows, sources, method);
        }

        // GCP: the billing export's invoice month, forecast by run rate
        if (gcp == null && missing.stream().anyMatch(m -> m.cloud().equals("gcp"))) {
            // named in the notes already
        } else if (gcp == null) {
            notes.add(
                    "GCP: no Cloud Billing export configured (cost.billingTable in cva.yaml): GCP costs are not included");
        } else {
            sources.add("GCP: " + gcp.describe());
            for (CostItem i : gcp.costs(month)) {
                Acc a = acc(rows, i, by);
                BigDecimal v = fx.convert(i.amount(), i.currency());
                a.mtd = a.mtd.add(v);
                a.forecast = a.forecast.add(complete ? v : linear(v, elapsedDays, month.lengthOfMonth()));
            }
            notes.addAll(gcp.notes());
            for (CostItem i : gcp.costs(month.minusMonths(1))) {
                Acc a = acc(rows, i, by);
                a.previous = a.previous.add(fx.convert(i.amount(), i.currency()));
            }
        }
        List<AwsFreeTierSource.Use> awsFreeTier = List.of();
        if (freeTier == null || aws == null) {
            // no AWS: no free tier to ask about either
        } else if (!complete) {
            AwsFreeTierSource.Result ft = freeTier.currentMonth();
            awsFreeTier = ft.uses();
            sources.add("AWS free tier: Free Tier API GetFreeTierUsage (the whole account, this month)");
            if (ft.unavailable() != null) {
                notes.add("AWS free tier not shown: " + ft.unavailable());
            }
        } else {
            notes.add("AWS free tier: the Free Tier API reports the current month only");
        }
        if (!complete && elapsedDays == 0) {
            notes.add("the month has just begun: no complete day to forecast from");
        }

        List<CostReport.Row> out = new ArrayList<>();
        Acc total = new Acc();
        for (Map.Entry<Key, Acc> e : rows.entrySet()) {
            Acc a = e.getValue();
            out.add(row(e.getKey(), a));
            total.mtd = total.mtd.add(a.mtd);
            total.forecast = total.forecast.add(a.forecast);
            total.previous = total.previous.add(a.previous);
        }
        out.sort((x, y) -> y.forecast().compareTo(x.forecast()));
        CostReport.Row totalRow = row(new Key("all", "", "TOTAL"), total);
        CostReport.Budget b = null;
        if (budget != null && budget.amount() != null && budget.amount().signum() > 0) {
            BigDecimal pct = Pricing.percent(total.forecast, budget.amount());
            b = new CostReport.Budget(
                    budget.amount(), budget.origin(), pct, total.forecast.compareTo(budget.amount()) > 0);
        }
        return new CostReport(
                environment,
                month.toString(),
                complete,
                complete ? month.lengthOfMonth() : today.getDayOfMonth(),
                month.lengthOfMonth(),
                fx.currency(),
                fx.describe(),
                by == null ? "service,product" : by.name(),
                out,
                totalRow,
                b,
                method,
                sources,
                notes,
                awsFreeTier,
                missing);
    }

    /** AWS: month to date (complete days), the previous month, the forecast for the rest; returns the method. */
    private String aws(
            YearMonth month,
            LocalDate today,
            boolean complete,
            int elapsedDays,
            Fx fx,
            By by,
            Map<Key, Acc> rows,
            List<String> sources,
            String method) {
        LocalDate start = month.atDay(1);
        LocalDate next = month.plusMonths(1).atDay(1);
        LocalDate mtdEnd = complete ? next : today;
        List<CostItem> awsMtd = start.isBefore(mtdEnd) ? aws.costs(start, mtdEnd) : List.of();
        List<CostItem> awsPrev = aws.costs(month.minusMonths(1).atDay(1), start);
        BigDecimal awsMtdTotal = sum(awsMtd, fx);
        BigDecimal awsScale = BigDecimal.ONE;
        BigDecimal awsUnattributed = BigDecimal.ZERO;
        sources.add("AWS: Cost Explorer GetCostAndUsage, unblended, monthly, by service and service tag");
        if (!complete) {
            Optional<BigDecimal> rest = aws.forecast(today, next);
            BigDecimal awsForecast;
            if (rest.isPresent()) {
                awsForecast = awsMtdTotal.add(fx.fromUsd(rest.get()));
                method = "AWS: Cost Explorer GetCostForecast; GCP: month to date scaled by the month's days";
            } else {
                awsForecast = linear(awsMtdTotal, elapsedDays, month.lengthOfMonth());
                method = "month to date scaled by the month's days (Cost Explorer gave no forecast)";
            }
            if (awsMtdTotal.signum() > 0) {
                awsScale = awsForecast.divide(awsMtdTotal, PriceBook.MC);
            } else {
                awsUnattributed = awsForecast;
            }
        }
        for (CostItem i : awsMtd) {
            Acc a = acc(rows, i, by);
            BigDecimal v = fx.convert(i.amount(), i.currency());
            a.mtd = a.mtd.add(v);
            a.forecast = a.forecast.add(v.multiply(awsScale, PriceBook.MC));
        }
        for (CostItem i : awsPrev) {
            acc(rows, i, by).previous = acc(rows, i, by).previous.add(fx.convert(i.amount(), i.currency()));
        }
        if (awsUnattributed.signum() > 0) {
            acc(rows, new CostItem("aws", "", "(forecast, no cost yet)", BigDecimal.ZERO, fx.currency()), by).forecast =
                    awsUnattributed;
        }
        return method;
    }

    private static CostReport.Row row(Key k, Acc a) {
        BigDecimal change =
                a.previous.signum() == 0 ? null : Pricing.percent(a.forecast.subtract(a.previous), a.previous);
        return new CostReport.Row(k.cloud(), k.service(), k.product(), a.mtd, a.forecast, a.previous, change);
    }

    private static Acc acc(Map<Key, Acc> rows, CostItem i, By by) {
        String service = i.service() == null || i.service().isBlank() ? UNTAGGED : i.service();
        Key k = by == null
                ? new Key(i.cloud(), service, i.product())
                : switch (by) {
                    case service -> new Key(i.cloud(), service, "");
                    case product -> new Key(i.cloud(), "", i.product());
                    case cloud -> new Key(i.cloud(), "", "");
                };
        return rows.computeIfAbsent(k, x -> new Acc());
    }

    private static BigDecimal sum(List<CostItem> items, Fx fx) {
        BigDecimal s = BigDecimal.ZERO;
        for (CostItem i : items) {
            s = s.add(fx.convert(i.amount(), i.currency()));
        }
        return s;
    }

    static BigDecimal linear(BigDecimal soFar, int elapsedDays, int daysInMonth) {
        if (elapsedDays <= 0) {
            return soFar;
        }
        return soFar.multiply(BigDecimal.valueOf(daysInMonth)).divide(BigDecimal.valueOf(elapsedDays), PriceBook.MC);
    }
}
