package dev.cva.cli.cost.gcp;

import dev.cva.cli.cost.GcpCostSource;
import dev.cva.cli.cost.GcpUsageSource;

/** Factory that keeps BigQuery's and Cloud Monitoring's classes out of the caller's signatures (they load only when used). */
public final class BillingExports {
    private BillingExports() {}

    public static GcpCostSource create(String table, String project, String serviceLabel, String label, String host) {
        return new BillingExportSource(BillingExportSource.client(project, host), table, project, serviceLabel, label);
    }

    /** Cloud Monitoring for {@code project}; {@code endpoint} for tests. */
    public static GcpUsageSource monitoring(String project, String endpoint) {
        return new MonitoringUsageSource(MonitoringUsageSource.client(endpoint), project);
    }
}
