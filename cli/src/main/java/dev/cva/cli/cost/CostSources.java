package dev.cva.cli.cost;

import dev.cva.cli.cost.aws.CostExplorerSource;
import java.time.Clock;

/** Builds the SDK adapters from the settings; GCP classes are touched only when a billing export is configured. */
final class CostSources {
    private CostSources() {}

    static CostCache aws(CostConfig config, Clock clock, boolean refresh) {
        CostExplorerSource source = new CostExplorerSource(CostExplorerSource.defaultClient(), config.tag(), config.serviceTag());
        return new CostCache(source, config.cacheDir(), config.tag() + "|" + config.serviceTag(), clock, refresh);
    }

    /** The billing export when configured, else a usage-based estimate from Cloud Monitoring. */
    static GcpCostSource gcp(CostConfig config, Clock clock) {
        String table = config.billingTable();
        if (table == null || table.isBlank()) {
            PriceBook book = PriceBook.shipped().withFirestoreLocation(config.firestoreLocation());
            Integer mb = config.memoryMb().get("receiver");
            java.math.BigDecimal gib = java.math.BigDecimal.valueOf(mb == null ? 512 : mb)
                    .divide(java.math.BigDecimal.valueOf(1024), PriceBook.MC);
            return new GcpUsageEstimate(dev.cva.cli.cost.gcp.BillingExports.monitoring(config.gcpProject(),
                    config.monitoringEndpoint()), book, config.gcpFunction(), book.param("receiverVcpu"), gib, clock);
        }
        return dev.cva.cli.cost.gcp.BillingExports.create(table, config.gcpProject(), config.serviceTag(),
                config.billingLabel(), config.billingEndpoint());
    }
}
