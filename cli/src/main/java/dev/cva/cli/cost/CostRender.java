package dev.cva.cli.cost;

import dev.cva.cli.support.Table;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Text, CSV and JSON views of the reports. The only place amounts are rounded (2 places, half-even). */
final class CostRender {
    private CostRender() {}

    static String money(BigDecimal v) {
        return v == null ? "-" : Fx.display(v).toPlainString();
    }

    static String pct(BigDecimal v) {
        return v == null ? "-" : v.setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "%";
    }

    static String signedPct(BigDecimal v) {
        return v == null ? "-" : (v.signum() > 0 ? "+" : "") + pct(v);
    }

    static String count(BigDecimal v) {
        DecimalFormat f = new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return f.format(v);
    }

    static String csv(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    // ---------------------------------------------------------------- cva cost

    static void text(CostReport r, PrintWriter out) {
        out.println("cva cost · " + r.environment() + " · " + r.month()
                + (r.complete() ? " (complete)" : " (day " + r.day() + " of " + r.daysInMonth() + ")")
                + " · " + r.rate());
        Table t = new Table("CLOUD", "SERVICE", "PRODUCT", "MONTH TO DATE", "FORECAST", "LAST MONTH", "CHANGE");
        for (CostReport.Row row : r.rows()) {
            t.row(
                    row.cloud(),
                    blank(row.service()),
                    blank(row.product()),
                    money(row.monthToDate()),
                    money(row.forecast()),
                    money(row.previousMonth()),
                    signedPct(row.changePercent()));
        }
        CostReport.Row total = r.total();
        t.row(
                "",
                "",
                "TOTAL " + r.currency(),
                money(total.monthToDate()),
                money(total.forecast()),
                money(total.previousMonth()),
                signedPct(total.changePercent()));
        t.print(out);
        if (r.budget() != null) {
            out.println("budget " + money(r.budget().amount()) + " " + r.currency() + " ("
                    + r.budget().origin() + "): forecast " + pct(r.budget().percentUsed()) + " of it"
                    + (r.budget().over() ? " — OVER BUDGET" : ""));
        } else {
            out.println("budget: none set (--budget or budget.monthlyGbp)");
        }
        if (!r.awsFreeTier().isEmpty()) {
            Table f = new Table("AWS FREE TIER", "USAGE TYPE", "USED", "LIMIT", "UNIT", "USED %", "FORECAST %", "TYPE");
            for (AwsFreeTierSource.Use u : r.awsFreeTier()) {
                f.row(
                        blank(u.service()),
                        blank(u.usageType()),
                        u.actual() == null ? "-" : count(u.actual()),
                        u.limit() == null ? "-" : count(u.limit()),
                        blank(u.unit()),
                        pct(u.percentUsed()),
                        pct(u.forecastPercent()),
                        blank(u.freeTierType()));
            }
            f.print(out);
        }
        out.println("forecast: " + r.forecastMethod());
        for (String s : r.sources()) {
            out.println("source: " + s);
        }
        for (String n : r.notes()) {
            out.println("note: " + n);
        }
        out.flush();
    }

    static void csv(CostReport r, PrintWriter out) {
        out.println("cloud,service,product,currency,month_to_date,forecast,last_month,change_percent");
        List<CostReport.Row> rows = new ArrayList<>(r.rows());
        rows.add(r.total());
        for (CostReport.Row row : rows) {
            out.println(String.join(
                    ",",
                    csv(row.cloud()),
                    csv(row.service()),
                    csv(row.product()),
                    r.currency(),
                    money(row.monthToDate()),
                    money(row.forecast()),
                    money(row.previousMonth()),
                    row.changePercent() == null
                            ? ""
                            : row.changePercent()
                                    .setScale(1, RoundingMode.HALF_EVEN)
                                    .toPlainString()));
        }
        out.flush();
    }

    /** The stable --json shape: amounts rounded to cents, percentages to 0.1. */
    static Map<String, Object> json(CostReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", CostReport.KIND);
        m.put("environment", r.environment());
        m.put("month", r.month());
        m.put("complete", r.complete());
        m.put("day", r.day());
        m.put("daysInMonth", r.daysInMonth());
        m.put("currency", r.currency());
        m.put("rate", r.rate());
        m.put("by", r.by());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CostReport.Row row : r.rows()) {
            rows.add(row(row));
        }
        m.put("rows", rows);
        m.put("total", row(r.total()));
        if (r.budget() == null) {
            m.put("budget", null);
        } else {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("amount", Fx.display(r.budget().amount()));
            b.put("origin", r.budget().origin());
            b.put("percentUsed", r.budget().percentUsed().setScale(1, RoundingMode.HALF_EVEN));
            b.put("over", r.budget().over());
            m.put("budget", b);
        }
        m.put("forecastMethod", r.forecastMethod());
        m.put("sources", r.sources());
        m.put("notes", r.notes());
        List<Map<String, Object>> tiers = new ArrayList<>();
        for (AwsFreeTierSource.Use u : r.awsFreeTier()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("service", u.service());
            t.put("usageType", u.usageType());
            t.put("region", u.region());
            t.put("actual", u.actual());
            t.put("forecast", u.forecast());
            t.put("limit", u.limit());
            t.put("unit", u.unit());
            t.put(
                    "percentUsed",
                    u.percentUsed() == null ? null : u.percentUsed().setScale(1, RoundingMode.HALF_EVEN));
            t.put(
                    "forecastPercent",
                    u.forecastPercent() == null ? null : u.forecastPercent().setScale(1, RoundingMode.HALF_EVEN));
            t.put("type", u.freeTierType());
            t.put("description", u.description());
            tiers.add(t);
        }
        m.put("awsFreeTier", tiers);
        List<Map<String, Object>> missing = new ArrayList<>();
        for (CostReport.MissingCloud c : r.missingClouds()) {
            Map<String, Object> mc = new LinkedHashMap<>();
            mc.put("cloud", c.cloud());
            mc.put("reason", c.reason());
            mc.put("hint", c.hint());
            missing.add(mc);
        }
        m.put("missingClouds", missing);
        return m;
    }

    // ---------------------------------------------------------------- cva cost --month on local

    static void text(LocalMonth.Report r, PrintWriter out) {
        out.println("cva cost · " + r.environment() + " · " + r.month() + " · ESTIMATE, not a bill: " + r.basis());
        text(r.estimate(), out);
        if (r.budget() != null) {
            out.println("budget " + money(r.budget().amount()) + " "
                    + r.estimate().currency() + " (" + r.budget().origin()
                    + "): this estimate is " + pct(r.budget().percentUsed()) + " of it"
                    + (r.budget().over() ? " — over it" : ""));
        }
        out.flush();
    }

    /** {@code kind} "estimate" and its {@code basis}, then the estimate as {@code cva cost estimate --json} gives it. */
    static Map<String, Object> json(LocalMonth.Report r, Fx fx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", r.kind());
        m.put("environment", r.environment());
        m.put("month", r.month());
        m.put("daysInMonth", r.daysInMonth());
        m.put("basis", r.basis());
        m.put(
                "queriesPerSecond",
                r.queriesPerSecond().round(new java.math.MathContext(6)).stripTrailingZeros());
        m.put("queriesPerMonth", r.queriesPerMonth());
        m.put("currency", r.estimate().currency());
        m.put("total", Fx.display(r.estimate().total()));
        if (r.budget() == null) {
            m.put("budget", null);
        } else {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("amount", Fx.display(r.budget().amount()));
            b.put("origin", r.budget().origin());
            b.put("percentUsed", r.budget().percentUsed().setScale(1, RoundingMode.HALF_EVEN));
            b.put("over", r.budget().over());
            m.put("budget", b);
        }
        m.put("estimate", json(r.estimate(), fx));
        return m;
    }

    private static Map<String, Object> row(CostReport.Row row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cloud", row.cloud());
        m.put("service", row.service());
        m.put("product", row.product());
        m.put("monthToDate", Fx.display(row.monthToDate()));
        m.put("forecast", Fx.display(row.forecast()));
        m.put("lastMonth", Fx.display(row.previousMonth()));
        m.put(
                "changePercent",
                row.changePercent() == null ? null : row.changePercent().setScale(1, RoundingMode.HALF_EVEN));
        return m;
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? "" : s;
    }

    // ---------------------------------------------------------------- cva cost estimate

    static void text(Estimator.Estimate e, PrintWriter out) {
        out.println("cva cost estimate · " + count(BigDecimal.valueOf(e.queriesPerMonth())) + " queries a month · "
                + e.rate() + " · price book " + e.priceBook()
                + (e.uncheckedPrices() > 0
                        ? " (" + e.uncheckedPrices() + " prices not yet checked against the live pages)"
                        : ""));
        Table t = new Table(e.by().name().toUpperCase(Locale.ROOT), "CLOUD", "PER MONTH");
        for (Estimator.Row row : e.rows()) {
            t.row(row.key(), row.cloud(), money(row.amount()));
        }
        t.row("TOTAL", "", money(e.total()) + " " + e.currency());
        t.print(out);
        out.println();
        Table f = new Table(
                "FREE TIER", "USED A MONTH", "FREE A MONTH", "UNIT", "USED %", "RUNS OUT AT (QUERIES/MONTH)", "KIND");
        for (Estimator.FreeTier ft : e.freeTiers()) {
            f.row(
                    ft.id(),
                    count(ft.used()),
                    count(ft.allowance()),
                    ft.unit(),
                    pct(ft.percent()),
                    ft.runsOutAtQueriesPerMonth() == null
                            ? "never"
                            : count(BigDecimal.valueOf(ft.runsOutAtQueriesPerMonth())),
                    ft.kind());
        }
        f.print(out);
        if (e.measured() != null) {
            MeasuredModel.Summary m = e.measured();
            out.println();
            out.println("measured on the local stack since " + m.since() + " (" + Math.round(m.seconds()) + " s): "
                    + m.events() + " events = "
                    + m.queries().stripTrailingZeros().toPlainString() + " queries ("
                    + m.recordsCompleted() + " records completed; batching depends on the rate: "
                    + (m.seconds() <= 0
                            ? "-"
                            : BigDecimal.valueOf(m.events() / m.seconds())
                                    .round(new java.math.MathContext(3))
                                    .toPlainString())
                    + " events/s here); every other line is the price book's model");
            Table p = new Table("SERVICE", "METER", "PER QUERY", "BASIS", "WHAT");
            for (MeasuredModel.PerQuery q : m.perQuery()) {
                p.row(
                        q.service(),
                        q.priceId(),
                        q.perQuery()
                                .round(new java.math.MathContext(4))
                                .stripTrailingZeros()
                                .toPlainString(),
                        q.basis(),
                        q.what());
            }
            p.print(out);
        }
        for (Estimator.ClaimCheck c : e.claims()) {
            out.println("claim: " + c.text() + " -> "
                    + (c.estimated() == null
                            ? "(no rate to " + c.currency() + ")"
                            : money(c.estimated()) + " " + c.currency() + " under this price book"));
        }
        out.flush();
    }

    static void csv(Estimator.Estimate e, Fx fx, PrintWriter out) {
        out.println("queries_per_month,service,cloud,product,price_id,unit,quantity,billable,currency,amount,basis");
        for (Pricing.Line l : e.lines()) {
            BigDecimal amount = fx.fromUsd(l.usd());
            out.println(String.join(
                    ",",
                    String.valueOf(e.queriesPerMonth()),
                    csv(l.service()),
                    l.cloud(),
                    csv(l.product()),
                    l.priceId(),
                    csv(l.unit()),
                    l.quantity().stripTrailingZeros().toPlainString(),
                    l.billable().stripTrailingZeros().toPlainString(),
                    e.currency(),
                    amount.setScale(6, RoundingMode.HALF_EVEN).toPlainString(),
                    l.basis()));
        }
        out.flush();
    }

    static Map<String, Object> json(Estimator.Estimate e, Fx fx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queriesPerMonth", e.queriesPerMonth());
        m.put("currency", e.currency());
        m.put("rate", e.rate());
        m.put("priceBook", e.priceBook());
        m.put("uncheckedPrices", e.uncheckedPrices());
        m.put("by", e.by().name());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Estimator.Row row : e.rows()) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("key", row.key());
            rm.put("cloud", row.cloud());
            rm.put("amount", Fx.display(row.amount()));
            rows.add(rm);
        }
        m.put("rows", rows);
        m.put("total", Fx.display(e.total()));
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Pricing.Line l : e.lines()) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("service", l.service());
            lm.put("cloud", l.cloud());
            lm.put("product", l.product());
            lm.put("priceId", l.priceId());
            lm.put("unit", l.unit());
            lm.put("quantity", l.quantity().stripTrailingZeros());
            lm.put("billable", l.billable().stripTrailingZeros());
            lm.put("amount", fx.fromUsd(l.usd()).setScale(6, RoundingMode.HALF_EVEN));
            lm.put("basis", l.basis());
            lines.add(lm);
        }
        m.put("lines", lines);
        List<Map<String, Object>> tiers = new ArrayList<>();
        for (Estimator.FreeTier ft : e.freeTiers()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("id", ft.id());
            tm.put("kind", ft.kind());
            tm.put("allowance", ft.allowance().stripTrailingZeros());
            tm.put("unit", ft.unit());
            tm.put("used", ft.used().stripTrailingZeros());
            tm.put("percent", ft.percent() == null ? null : ft.percent().setScale(1, RoundingMode.HALF_EVEN));
            tm.put("runsOutAtQueriesPerMonth", ft.runsOutAtQueriesPerMonth());
            tiers.add(tm);
        }
        m.put("freeTiers", tiers);
        List<Map<String, Object>> claims = new ArrayList<>();
        for (Estimator.ClaimCheck c : e.claims()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("text", c.text());
            cm.put("queriesPerMonth", c.queriesPerMonth());
            cm.put("claimed", c.claimed());
            cm.put("currency", c.currency());
            cm.put("estimated", Fx.display(c.estimated()));
            claims.add(cm);
        }
        m.put("claims", claims);
        m.put("measured", e.measured() == null ? null : measured(e.measured()));
        return m;
    }

    private static Map<String, Object> measured(MeasuredModel.Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", "local stack (GET /metrics)");
        m.put("since", s.since());
        m.put("seconds", s.seconds());
        m.put("events", s.events());
        // batch sizes, and so invocations and DynamoDB units a query, depend on the rate the events came at
        m.put(
                "eventsPerSecond",
                s.seconds() <= 0
                        ? null
                        : BigDecimal.valueOf(s.events() / s.seconds()).round(new java.math.MathContext(3)));
        m.put("queries", s.queries().stripTrailingZeros());
        m.put("recordsCompleted", s.recordsCompleted());
        List<Map<String, Object>> per = new ArrayList<>();
        for (MeasuredModel.PerQuery q : s.perQuery()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("service", q.service());
            pm.put("priceId", q.priceId());
            pm.put("perQuery", q.perQuery().round(new java.math.MathContext(6)).stripTrailingZeros());
            pm.put("basis", q.basis());
            pm.put("what", q.what());
            per.add(pm);
        }
        m.put("perQuery", per);
        return m;
    }
}
