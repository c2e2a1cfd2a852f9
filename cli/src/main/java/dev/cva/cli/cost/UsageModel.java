package dev.cva.cli.cost;

import java.math.BigDecimal;
import java.util.List;

/** A month's usage of the price book's meters as a function of the load (linear in {@code queries}). */
public interface UsageModel {
    List<Usage> usage(BigDecimal queries);
}
