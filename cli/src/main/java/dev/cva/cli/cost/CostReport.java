package dev.cva.cli.cost;

import java.math.BigDecimal;
import java.util.List;

/**
 * {@code cva cost}: one month across AWS and GCP in the report currency, unrounded (rendering rounds).
 * {@code complete} is false for the current month, whose {@code forecast} runs to the month's end.
 */
public record CostReport(
        String environment,
        String month,
        boolean complete,
        int day,
        int daysInMonth,
        String currency,
        String rate,
        String by,
        List<Row> rows,
        Row total,
        Budget budget,
        String forecastMethod,
        List<String> sources,
        List<String> notes,
        List<AwsFreeTierSource.Use> awsFreeTier,
        List<MissingCloud> missingClouds) {

    /** The bill's kind in --json: read from the clouds (the local environment's is an estimate). */
    public static final String KIND = "bill";

    /** A cloud left out of the report because this machine has no credentials for it. */
    public record MissingCloud(String cloud, String reason, String hint) {
        public String label() {
            return cloud.equals("aws") ? "AWS" : "GCP";
        }
    }

    /** One row: a service's product, a service, a product or a cloud (see {@code by}). */
    public record Row(
            String cloud,
            String service,
            String product,
            BigDecimal monthToDate,
            BigDecimal forecast,
            BigDecimal previousMonth,
            BigDecimal changePercent) {}

    /** The budget, where it came from, and the forecast's share of it. */
    public record Budget(BigDecimal amount, String origin, BigDecimal percentUsed, boolean over) {}
}
