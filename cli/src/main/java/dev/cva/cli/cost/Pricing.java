package dev.cva.cli.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prices a month's usage with the price book: each meter's free allowance is applied once across every service
 * that uses it (in price-book order), the billable rest is shared among the services by their usage.
 * USD throughout; conversion and rounding happen at display.
 */
public final class Pricing {
    private final PriceBook book;

    public Pricing(PriceBook book) {
        this.book = book;
    }

    /** One service's use of one meter, and what it costs after the free allowance. */
    public record Line(
            String service,
            String cloud,
            String product,
            String priceId,
            String unit,
            BigDecimal quantity,
            BigDecimal billable,
            BigDecimal usd,
            String basis) {}

    /** One free allowance over the month: how much of it the usage takes (percent may exceed 100). */
    /** One allowance at this load, in {@code unit}s of its meters a month. */
    public record FreeTierUse(
            String id, String kind, BigDecimal allowance, BigDecimal used, BigDecimal percent, String unit) {}

    public record Priced(List<Line> lines, List<FreeTierUse> freeTiers, BigDecimal totalUsd) {}

    public Priced price(List<Usage> usage) {
        BigDecimal days = book.param("daysPerMonth");
        Map<String, BigDecimal> total = new LinkedHashMap<>();
        for (Usage u : usage) {
            book.price(u.priceId());
            total.merge(u.priceId(), u.quantity(), BigDecimal::add);
        }
        Map<String, BigDecimal> free = new LinkedHashMap<>();
        List<FreeTierUse> tiers = new ArrayList<>();
        for (PriceBook.FreeTier t : book.freeTiers()) {
            BigDecimal allowance = t.monthly(days);
            BigDecimal remaining = allowance;
            BigDecimal used = BigDecimal.ZERO;
            boolean touched = false;
            for (String id : t.prices()) {
                BigDecimal q = total.get(id);
                if (q == null) {
                    continue;
                }
                touched = true;
                BigDecimal f = q.min(remaining);
                free.put(id, f);
                remaining = remaining.subtract(f);
                used = used.add(q);
            }
            if (touched) {
                tiers.add(new FreeTierUse(
                        t.id(),
                        t.kind(),
                        allowance,
                        used,
                        percent(used, allowance),
                        book.price(t.prices().get(0)).unit()));
            }
        }
        List<Line> lines = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (Usage u : usage) {
            PriceBook.Price price = book.price(u.priceId());
            BigDecimal meterTotal = total.get(u.priceId());
            BigDecimal meterBillable = meterTotal.subtract(free.getOrDefault(u.priceId(), BigDecimal.ZERO));
            BigDecimal billable = meterTotal.signum() == 0
                    ? BigDecimal.ZERO
                    : meterBillable.multiply(u.quantity()).divide(meterTotal, PriceBook.MC);
            BigDecimal usd = billable.multiply(price.unitPrice(), PriceBook.MC);
            sum = sum.add(usd);
            lines.add(new Line(
                    u.service(),
                    u.cloud(),
                    price.product(),
                    u.priceId(),
                    price.unit(),
                    u.quantity(),
                    billable,
                    usd,
                    u.basis()));
        }
        return new Priced(lines, tiers, sum);
    }

    static BigDecimal percent(BigDecimal part, BigDecimal whole) {
        if (whole.signum() == 0) {
            return null;
        }
        return part.multiply(BigDecimal.valueOf(100)).divide(whole, 4, RoundingMode.HALF_EVEN);
    }
}
