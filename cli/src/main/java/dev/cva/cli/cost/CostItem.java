package dev.cva.cli.cost;

import java.math.BigDecimal;

/**
 * What one cloud product cost one service of the system over a period, as the bill says.
 * {@code service} is the value of the service tag or label, empty when the resource carries none.
 */
public record CostItem(String cloud, String service, String product, BigDecimal amount, String currency) {}
