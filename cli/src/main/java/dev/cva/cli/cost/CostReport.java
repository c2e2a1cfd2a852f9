package dev.cva.cli.cost;

import java.math.BigDecimal;
import java.util.List;

/**
 * {@code cva cost}: one month across AWS and GCP in the report currency, unrounded (rendering rounds).
 * {@code complete} is false for the current month, whose {@code forecast} runs to the month's end.
 */
public record CostReport(String environment, String month, boolean complete, int day, int daysInMonth,
                         String currency, String rate, String by, List<Row> rows, Row total, Budget budget,
                         String forecastMethod, List<String> sources, List<String> notes,
                         List<AwsFreeTierSource.Use> awsFreeTier) {

    /** One row: a service's product, a service, a product or a cloud (see {@code by}). */
    public record Row(String cloud, String service, String product, BigDecimal monthToDate, BigDecimal forecast,
                      BigDecimal previousMonth, BigDecimal changePercent) {}

    /** The budget, where it came from, and the forecast's share of it. */
    public record Budget(BigDecimal amount, String origin, BigDecimal percentUsed, boolean over) {}
}
