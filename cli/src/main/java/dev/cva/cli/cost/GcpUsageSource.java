package dev.cva.cli.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** GCP usage metrics (Cloud Monitoring). Failures are {@link dev.cva.cli.CvaException}s. */
public interface GcpUsageSource {
    /** The daily sums of the DELTA metric series that {@code filter} selects over {@code [start, end)}, oldest first. */
    List<BigDecimal> daily(String filter, Instant start, Instant end);
}
