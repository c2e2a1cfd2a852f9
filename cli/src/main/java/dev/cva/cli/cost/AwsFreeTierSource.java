package dev.cva.cli.cost;

import java.math.BigDecimal;
import java.util.List;

/**
 * The AWS account's free-tier use this month (the Free Tier API). Account-wide, not per project tag. An account that
 * cannot be asked (no permission, an Organizations member, no free tier) answers {@link Result#unavailable}.
 */
public interface AwsFreeTierSource {
    /** One free-tier offer's use this month, as the Free Tier API reports it. */
    record Use(
            String service,
            String usageType,
            String region,
            BigDecimal actual,
            BigDecimal forecast,
            BigDecimal limit,
            String unit,
            String freeTierType,
            String description) {
        public BigDecimal percentUsed() {
            return limit == null || actual == null ? null : Pricing.percent(actual, limit);
        }

        public BigDecimal forecastPercent() {
            return limit == null || forecast == null ? null : Pricing.percent(forecast, limit);
        }
    }

    /** The uses, or why there are none ({@code unavailable} null when the API answered). */
    record Result(List<Use> uses, String unavailable) {
        public static Result unavailable(String why) {
            return new Result(List.of(), why);
        }
    }

    Result currentMonth();
}
