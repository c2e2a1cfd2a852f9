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

    /** The billing export, or null when none is configured. */
    static GcpCostSource gcp(CostConfig config) {
        String table = config.billingTable();
        if (table == null || table.isBlank()) {
            return null;
        }
        return dev.cva.cli.cost.gcp.BillingExports.create(table, config.gcpProject(), config.serviceTag(),
                config.billingLabel(), config.billingEndpoint());
    }
}
