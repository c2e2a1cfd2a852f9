package dev.cva.cli.cost.gcp;

import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableResult;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.cost.CostItem;
import dev.cva.cli.cost.GcpCostSource;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Cloud Billing export in BigQuery behind {@link GcpCostSource}: cost plus credits per
 * {@code service.description} and service label for one {@code invoice.month}, filtered by project and,
 * optionally, a label. BigQuery exceptions become {@link CvaException}s here.
 */
public final class BillingExportSource implements GcpCostSource {
    private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+){2}");
    private static final DateTimeFormatter INVOICE_MONTH = DateTimeFormatter.ofPattern("yyyyMM");

    private final BigQuery bigquery;
    private final String table;
    private final String project;
    private final String serviceLabel;
    private final String labelKey;
    private final String labelValue;

    /**
     * @param table        {@code project.dataset.table} of the standard usage cost export
     * @param project      the GCP project whose costs count
     * @param serviceLabel the label naming each resource's service (lower case, like every GCP label)
     * @param label        {@code key=value} the rows must carry, or null for every row of the project
     */
    public BillingExportSource(BigQuery bigquery, String table, String project, String serviceLabel, String label) {
        if (!TABLE.matcher(table).matches()) {
            throw CvaException.usage(
                    "cost.billingTable must be project.dataset.table, not '" + table + "'",
                    "copy the table name from Billing > Billing export > BigQuery export");
        }
        this.bigquery = bigquery;
        this.table = table;
        this.project = project;
        this.serviceLabel = serviceLabel.toLowerCase(java.util.Locale.ROOT);
        if (label != null && !label.isBlank()) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                throw CvaException.usage("cost.billingLabel must be key=value, not '" + label + "'", null);
            }
            this.labelKey = label.substring(0, eq);
            this.labelValue = label.substring(eq + 1);
        } else {
            this.labelKey = null;
            this.labelValue = null;
        }
    }

    /**
     * A BigQuery client for {@code project}: Application Default Credentials, or, when {@code host} is given
     * (tests, a recording proxy), that host and no credentials.
     */
    public static BigQuery client(String project, String host) {
        BigQueryOptions.Builder b = BigQueryOptions.newBuilder().setProjectId(project);
        if (host != null && !host.isBlank()) {
            b.setHost(host).setCredentials(NoCredentials.getInstance());
        }
        return b.build().getService();
    }

    String sql() {
        return "SELECT service.description AS product,\n"
                + "  IFNULL((SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = @serviceLabel), '') AS service,\n"
                + "  currency,\n"
                + "  CAST(SUM(cost) + SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0)) AS NUMERIC) AS amount\n"
                + "FROM `" + table + "`\n"
                + "WHERE invoice.month = @month AND project.id = @project\n"
                + (labelKey == null
                        ? ""
                        : "  AND EXISTS (SELECT 1 FROM UNNEST(labels) AS l WHERE l.key = @labelKey AND l.value = @labelValue)\n")
                + "GROUP BY product, service, currency\n"
                + "ORDER BY product, service";
    }

    @Override
    public List<CostItem> costs(YearMonth month) {
        QueryJobConfiguration.Builder q = QueryJobConfiguration.newBuilder(sql())
                .setUseLegacySql(false)
                .addNamedParameter("month", QueryParameterValue.string(month.format(INVOICE_MONTH)))
                .addNamedParameter("project", QueryParameterValue.string(project))
                .addNamedParameter("serviceLabel", QueryParameterValue.string(serviceLabel));
        if (labelKey != null) {
            q.addNamedParameter("labelKey", QueryParameterValue.string(labelKey))
                    .addNamedParameter("labelValue", QueryParameterValue.string(labelValue));
        }
        TableResult result;
        try {
            result = bigquery.query(q.build());
        } catch (BigQueryException e) {
            String hint = e.getCode() == 403 || e.getCode() == 401
                    ? "the caller needs bigquery.jobs.create on " + project + " and read access to the export dataset"
                    : e.getCode() == 404 ? "check cost.billingTable: the export table was not found" : null;
            throw new CvaException(
                    ExitCode.FAILURE, "BigQuery billing export query failed: " + e.getMessage(), hint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted while querying the billing export");
        }
        List<CostItem> items = new ArrayList<>();
        for (FieldValueList row : result.iterateAll()) {
            items.add(new CostItem(
                    "gcp",
                    row.get("service").getStringValue(),
                    row.get("product").getStringValue(),
                    row.get("amount").getNumericValue(),
                    row.get("currency").getStringValue()));
        }
        return items;
    }

    @Override
    public String describe() {
        return "Cloud Billing export " + table + " (cost + credits by invoice month, project " + project
                + (labelKey == null ? "" : ", label " + labelKey + "=" + labelValue) + ")";
    }
}
