package dev.cva.cli.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cva cost estimate}: the month's cost at a given load, from the price book and a usage model (the call model,
 * or the local stack's measured counts).
 */
public final class Estimator {
    private static final BigDecimal PROBE = BigDecimal.valueOf(1_000_000);

    private final PriceBook book;
    private final UsageModel model;
    private final Pricing pricing;
    private final MeasuredModel.Summary measured;

    public Estimator(PriceBook book, UsageModel model) {
        this.book = book;
        this.model = model;
        this.pricing = new Pricing(book);
        this.measured = model instanceof MeasuredModel m ? m.summary() : null;
    }

    /** A group of lines (a service, a product or a cloud) in the report's currency, unrounded. */
    public record Row(String key, String cloud, BigDecimal amount) {}

    /** A free allowance's use at this load, and the load at which it runs out (null: never; 0: already out). */
    public record FreeTier(
            String id,
            String kind,
            BigDecimal allowance,
            BigDecimal used,
            BigDecimal percent,
            Long runsOutAtQueriesPerMonth,
            String unit) {}

    /** Where an original claim lands under today's prices (only at the load the claim names). */
    public record ClaimCheck(
            String text, long queriesPerMonth, BigDecimal claimed, String currency, BigDecimal estimated) {}

    public record Estimate(
            long queriesPerMonth,
            String currency,
            String rate,
            String priceBook,
            long uncheckedPrices,
            By by,
            List<Row> rows,
            BigDecimal total,
            List<Pricing.Line> lines,
            List<FreeTier> freeTiers,
            List<ClaimCheck> claims,
            MeasuredModel.Summary measured) {}

    public Estimate estimate(long queriesPerMonth, Fx fx, By by) {
        BigDecimal q = BigDecimal.valueOf(queriesPerMonth);
        Pricing.Priced priced = pricing.price(model.usage(q));
        List<Row> rows = group(priced.lines(), fx, by);
        List<FreeTier> tiers = new ArrayList<>();
        Map<String, BigDecimal> atZero = tierUse(BigDecimal.ZERO);
        Map<String, BigDecimal> atProbe = tierUse(PROBE);
        for (Pricing.FreeTierUse t : priced.freeTiers()) {
            tiers.add(new FreeTier(
                    t.id(),
                    t.kind(),
                    t.allowance(),
                    t.used(),
                    t.percent(),
                    runsOut(t.allowance(), atZero.get(t.id()), atProbe.get(t.id())),
                    t.unit()));
        }
        List<ClaimCheck> claims = new ArrayList<>();
        for (PriceBook.Claim c : book.claims()) {
            // a claim is about one load: set beside an estimate at another load it would compare nothing
            if (c.queriesPerMonth() != queriesPerMonth) {
                continue;
            }
            BigDecimal usd = pricing.price(model.usage(BigDecimal.valueOf(c.queriesPerMonth())))
                    .totalUsd();
            BigDecimal inClaimCurrency = c.currency().equals(fx.currency())
                    ? fx.fromUsd(usd)
                    : c.currency().equals("USD") ? usd : null;
            claims.add(new ClaimCheck(c.text(), c.queriesPerMonth(), c.amount(), c.currency(), inClaimCurrency));
        }
        return new Estimate(
                queriesPerMonth,
                fx.currency(),
                fx.describe(),
                book.version(),
                book.unchecked(),
                by,
                rows,
                fx.fromUsd(priced.totalUsd()),
                priced.lines(),
                tiers,
                claims,
                measured);
    }

    private Map<String, BigDecimal> tierUse(BigDecimal queries) {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        for (Pricing.FreeTierUse t : pricing.price(model.usage(queries)).freeTiers()) {
            m.put(t.id(), t.used());
        }
        return m;
    }

    /** Usage is linear in the load (a + b q): the load at which it reaches the allowance. */
    static Long runsOut(BigDecimal allowance, BigDecimal fixed, BigDecimal atProbe) {
        if (fixed == null || atProbe == null) {
            return null;
        }
        if (fixed.compareTo(allowance) >= 0) {
            return 0L;
        }
        BigDecimal slope = atProbe.subtract(fixed).divide(PROBE, PriceBook.MC);
        if (slope.signum() <= 0) {
            return null;
        }
        return allowance.subtract(fixed).divide(slope, 0, RoundingMode.FLOOR).longValueExact();
    }

    static List<Row> group(List<Pricing.Line> lines, Fx fx, By by) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Pricing.Line l : lines) {
            String key = switch (by) {
                case service -> l.service();
                case product -> l.product();
                case cloud -> l.cloud();
            };
            BigDecimal amount = fx.fromUsd(l.usd());
            rows.merge(
                    key,
                    new Row(key, l.cloud(), amount),
                    (a, b) -> new Row(
                            a.key(),
                            a.cloud().equals(b.cloud()) ? a.cloud() : "both",
                            a.amount().add(b.amount())));
        }
        return new ArrayList<>(rows.values());
    }
}
