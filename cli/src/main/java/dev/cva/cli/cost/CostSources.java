package dev.cva.cli.cost;

import dev.cva.cli.cost.aws.CostExplorerSource;
import dev.cva.cli.cost.aws.FreeTierApiSource;
import dev.cva.cli.cost.gcp.BillingExports;
import java.math.BigDecimal;
import java.time.Clock;

/** Builds the SDK adapters from the settings (their classes load only when {@code cva cost} runs). */
final class CostSources {
    private CostSources() {}

    static CostCache aws(CostConfig config, Clock clock, boolean refresh) {
        CostExplorerSource source = new CostExplorerSource(CostExplorerSource.defaultClient(), config.tag(), config.serviceTag());
        return new CostCache(source, config.cacheDir(), config.tag() + "|" + config.serviceTag(), clock, refresh);
    }

    static FreeTierApiSource freeTier() {
        return new FreeTierApiSource(FreeTierApiSource.defaultClient());
    }

    /** The billing export when configured, else a usage-based estimate from Cloud Monitoring. */
    static GcpCostSource gcp(CostConfig config, Clock clock) {
        String table = config.billingTable();
        if (table == null || table.isBlank()) {
            PriceBook book = PriceBook.shipped().withFirestoreLocation(config.firestoreLocation());
            Integer mb = config.memoryMb().get("receiver");
            BigDecimal gib = BigDecimal.valueOf(mb == null ? 512 : mb)
                    .divide(BigDecimal.valueOf(1024), PriceBook.MC);
            return new GcpUsageEstimate(BillingExports.monitoring(config.gcpProject(),
                    config.monitoringEndpoint()), book, config.gcpFunction(), book.param("receiverVcpu"), gib, clock);
        }
        return BillingExports.create(table, config.gcpProject(), config.serviceTag(),
                config.billingLabel(), config.billingEndpoint());
    }
}
