package dev.cva.cli.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;

/**
 * A configured exchange rate: 1 USD = {@code usdRate} units of {@code currency}, as of {@code date}. Shown with
 * every converted report. Rounding happens only in {@link #display}.
 */
public record Fx(String currency, BigDecimal usdRate, LocalDate date) {
    public static final Fx USD = new Fx("USD", BigDecimal.ONE, null);

    public BigDecimal fromUsd(BigDecimal usd) {
        return usd.multiply(usdRate, PriceBook.MC);
    }

    public BigDecimal toUsd(BigDecimal amount) {
        return amount.divide(usdRate, PriceBook.MC);
    }

    /** Converts {@code amount} held in {@code from} (USD or this currency) into this currency. */
    public BigDecimal convert(BigDecimal amount, String from) {
        if (from.equalsIgnoreCase(currency)) {
            return amount;
        }
        if (from.equalsIgnoreCase("USD")) {
            return fromUsd(amount);
        }
        throw dev.cva.cli.CvaException.usage(
                "the bill is in " + from + " but the report is in " + currency + " and only a USD rate is configured",
                "pass --currency " + from);
    }

    public static BigDecimal display(BigDecimal amount) {
        return amount == null ? null : amount.setScale(2, RoundingMode.HALF_EVEN);
    }

    public String symbol() {
        return switch (currency) {
            case "GBP" -> "£";
            case "USD" -> "$";
            case "EUR" -> "€";
            default -> currency + " ";
        };
    }

    public String describe() {
        return currency.equals("USD")
                ? "USD (the price book's currency)"
                : "1 USD = " + usdRate.stripTrailingZeros().toPlainString() + " " + currency
                        + (date == null ? "" : " (rate of " + date + ")");
    }
}
