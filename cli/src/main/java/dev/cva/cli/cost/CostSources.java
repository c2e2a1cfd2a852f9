package dev.cva.cli.cost;

import dev.cva.cli.cost.aws.CostExplorerSource;
import dev.cva.cli.cost.aws.FreeTierApiSource;
import dev.cva.cli.cost.gcp.BillingExports;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Builds the SDK adapters from the settings (their classes load only when {@code cva cost} runs). */
final class CostSources {
    private CostSources() {}

    static CostCache aws(CostConfig config, Clock clock, boolean refresh) {
        CostExplorerSource source =
                new CostExplorerSource(CostExplorerSource.defaultClient(), config.tag(), config.serviceTag());
        return new CostCache(source, config.cacheDir(), config.tag() + "|" + config.serviceTag(), clock, refresh);
    }

    static FreeTierApiSource freeTier() {
        return new FreeTierApiSource(FreeTierApiSource.defaultClient());
    }

    /**
     * The clouds this machine has no credentials for, asked of each SDK's own default chain: AWS's (environment,
     * system properties, profiles and SSO, container and instance roles) and Google's application default
     * credentials. A GCP source aimed at a local endpoint (cost.billingEndpoint / cost.monitoringEndpoint, the
     * emulator pattern) needs none.
     */
    static List<CostReport.MissingCloud> missingCredentials(CostConfig config) {
        List<CostReport.MissingCloud> missing = new ArrayList<>();
        try (DefaultCredentialsProvider chain =
                DefaultCredentialsProvider.builder().build()) {
            chain.resolveCredentials();
        } catch (SdkClientException e) {
            missing.add(new CostReport.MissingCloud(
                    "aws",
                    "no AWS credentials (the SDK's default chain found none)",
                    "run 'aws configure' or 'aws sso login', or set AWS_PROFILE"));
        }
        boolean export = config.billingTable() != null && !config.billingTable().isBlank();
        String endpoint = export ? config.billingEndpoint() : config.monitoringEndpoint();
        if (endpoint == null || endpoint.isBlank()) {
            try {
                com.google.auth.oauth2.GoogleCredentials.getApplicationDefault();
            } catch (IOException e) {
                missing.add(new CostReport.MissingCloud(
                        "gcp",
                        "no Google application default credentials",
                        "run 'gcloud auth application-default login', or set GOOGLE_APPLICATION_CREDENTIALS"));
            }
        }
        return missing;
    }

    /** The billing export when configured, else a usage-based estimate from Cloud Monitoring. */
    static GcpCostSource gcp(CostConfig config, Clock clock) {
        String table = config.billingTable();
        if (table == null || table.isBlank()) {
            PriceBook book = PriceBook.shipped().withFirestoreLocation(config.firestoreLocation());
            Integer mb = config.memoryMb().get("receiver");
            BigDecimal gib = BigDecimal.valueOf(mb == null ? 512 : mb).divide(BigDecimal.valueOf(1024), PriceBook.MC);
            return new GcpUsageEstimate(
                    BillingExports.monitoring(config.gcpProject(), config.monitoringEndpoint()),
                    book,
                    config.gcpFunction(),
                    book.param("receiverVcpu"),
                    gib,
                    clock);
        }
        return BillingExports.create(
                table, config.gcpProject(), config.serviceTag(), config.billingLabel(), config.billingEndpoint());
    }
}
