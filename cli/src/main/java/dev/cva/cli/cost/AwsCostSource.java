package dev.cva.cli.cost;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** The AWS bill of the project's tagged resources (Cost Explorer). Failures are {@link dev.cva.cli.CvaException}s. */
public interface AwsCostSource {
    /** Unblended cost per product and service tag over {@code [start, end)}. */
    List<CostItem> costs(LocalDate start, LocalDate end);

    /** The forecast cost over {@code [start, end)} in USD, or empty when the forecast is unavailable. */
    Optional<java.math.BigDecimal> forecast(LocalDate start, LocalDate end);
}
