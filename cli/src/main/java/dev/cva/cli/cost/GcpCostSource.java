package dev.cva.cli.cost;

import java.time.YearMonth;
import java.util.List;

/** The GCP side of a month: the Cloud Billing export when configured. Failures are {@link dev.cva.cli.CvaException}s. */
public interface GcpCostSource extends AutoCloseable {
    /** Cost plus credits per product and service label for one invoice month. */
    List<CostItem> costs(YearMonth month);

    /** Where the figures come from, shown with the report. */
    String describe();

    /** Remarks on the last month asked for (free-tier use, say). */
    default List<String> notes() {
        return List.of();
    }

    /** Releases the client (a gRPC channel, say). */
    @Override
    default void close() {}
}
