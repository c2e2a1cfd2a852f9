package dev.cva.cli.cost;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * GCP's month when no billing export is configured: usage from Cloud Monitoring (function requests and billable
 * instance time, Firestore reads, writes and deletes) priced with the price book, clearly labelled an estimate.
 * Days run from midnight Pacific time, when Firestore's daily free quota resets; a daily allowance is applied to
 * each day, a monthly one to the month. Firestore storage has no usage metric here and is left out.
 */
public final class GcpUsageEstimate implements GcpCostSource {
    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    static final String LABEL = " (estimate)";

    private final GcpUsageSource usage;
    private final PriceBook book;
    private final String function;
    private final BigDecimal vcpu;
    private final BigDecimal memoryGib;
    private final Clock clock;
    private final List<String> notes = new ArrayList<>();

    /**
     * @param function  the receiver's Cloud Functions gen2 name (its Cloud Run service)
     * @param vcpu      the function's vCPUs
     * @param memoryGib the function's memory
     */
    public GcpUsageEstimate(
            GcpUsageSource usage, PriceBook book, String function, BigDecimal vcpu, BigDecimal memoryGib, Clock clock) {
        this.usage = usage;
        this.book = book;
        this.function = function;
        this.vcpu = vcpu;
        this.memoryGib = memoryGib;
        this.clock = clock;
    }

    private record Meter(String service, String priceId, List<BigDecimal> days) {}

    @Override
    public List<CostItem> costs(YearMonth month) {
        Instant start = month.atDay(1).atStartOfDay(PACIFIC).toInstant();
        Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay(PACIFIC).toInstant();
        Instant today =
                LocalDate.now(clock.withZone(PACIFIC)).atStartOfDay(PACIFIC).toInstant();
        Instant end = monthEnd.isBefore(today) ? monthEnd : today;
        notes.clear();
        if (!start.isBefore(end)) {
            return List.of();
        }
        String run = " AND resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"" + function + "\"";
        String firestore = " AND resource.type=\"firestore_instance\"";
        List<BigDecimal> requests = usage.daily("metric.type=\"run.googleapis.com/request_count\"" + run, start, end);
        List<BigDecimal> instanceSeconds =
                usage.daily("metric.type=\"run.googleapis.com/container/billable_instance_time\"" + run, start, end);
        List<Meter> meters = List.of(
                new Meter("receiver", "gcp.run.requests", requests),
                new Meter("receiver", "gcp.run.vcpu", times(instanceSeconds, vcpu)),
                new Meter("receiver", "gcp.run.memory", times(instanceSeconds, memoryGib)),
                new Meter(
                        "",
                        "gcp.firestore.reads",
                        usage.daily(
                                "metric.type=\"firestore.googleapis.com/document/read_ops_count\"" + firestore,
                                start,
                                end)),
                new Meter(
                        "",
                        "gcp.firestore.writes",
                        usage.daily(
                                "metric.type=\"firestore.googleapis.com/document/write_ops_count\"" + firestore,
                                start,
                                end)),
                new Meter(
                        "",
                        "gcp.firestore.deletes",
                        usage.daily(
                                "metric.type=\"firestore.googleapis.com/document/delete_ops_count\"" + firestore,
                                start,
                                end)));
        List<CostItem> items = new ArrayList<>();
        for (Meter m : meters) {
            PriceBook.Price price = book.price(m.priceId());
            PriceBook.FreeTier tier = book.freeTiers().stream()
                    .filter(t -> t.prices().contains(m.priceId()))
                    .findFirst()
                    .orElse(null);
            BigDecimal used = m.days().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal billable = billable(m.days(), tier);
            if (used.signum() == 0) {
                continue;
            }
            items.add(new CostItem(
                    "gcp",
                    m.service(),
                    price.product() + LABEL,
                    billable.multiply(price.unitPrice(), PriceBook.MC),
                    "USD"));
            if (tier != null) {
                BigDecimal allowance = tier.period() == PriceBook.Period.day
                        ? tier.amount().multiply(BigDecimal.valueOf(m.days().size()))
                        : tier.amount();
                BigDecimal busiest =
                        m.days().stream().max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
                notes.add("GCP free tier " + tier.id() + ": "
                        + Pricing.percent(used, allowance).setScale(1, java.math.RoundingMode.HALF_EVEN)
                        + "% used (" + count(used) + " of " + count(allowance)
                        + (tier.period() == PriceBook.Period.day
                                ? "; busiest day " + count(busiest) + " of " + count(tier.amount())
                                : "")
                        + ")");
            }
        }
        return items;
    }

    /** What is billed after the allowance: a daily one applies to each day, a monthly one to the sum. */
    static BigDecimal billable(List<BigDecimal> days, PriceBook.FreeTier tier) {
        BigDecimal total = days.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        if (tier == null) {
            return total;
        }
        if (tier.period() == PriceBook.Period.month) {
            return total.subtract(tier.amount()).max(BigDecimal.ZERO);
        }
        BigDecimal billable = BigDecimal.ZERO;
        for (BigDecimal d : days) {
            billable = billable.add(d.subtract(tier.amount()).max(BigDecimal.ZERO));
        }
        return billable;
    }

    private static List<BigDecimal> times(List<BigDecimal> xs, BigDecimal factor) {
        return xs.stream().map(x -> x.multiply(factor, PriceBook.MC)).toList();
    }

    private static String count(BigDecimal v) {
        return new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(v);
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public void close() {
        if (usage instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a client must not fail the report
            }
        }
    }

    @Override
    public String describe() {
        return "ESTIMATE from Cloud Monitoring usage (function " + function + ", Firestore) priced with price book "
                + book.version() + "; not a bill (configure cost.billingTable for actual costs)";
    }
}
