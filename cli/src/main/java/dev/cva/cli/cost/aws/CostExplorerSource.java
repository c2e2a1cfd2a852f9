package dev.cva.cli.cost.aws;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.cost.AwsCostSource;
import dev.cva.cli.cost.CostItem;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.model.CostExplorerException;
import software.amazon.awssdk.services.costexplorer.model.DataUnavailableException;
import software.amazon.awssdk.services.costexplorer.model.DateInterval;
import software.amazon.awssdk.services.costexplorer.model.Expression;
import software.amazon.awssdk.services.costexplorer.model.GetCostAndUsageRequest;
import software.amazon.awssdk.services.costexplorer.model.GetCostAndUsageResponse;
import software.amazon.awssdk.services.costexplorer.model.GetCostForecastResponse;
import software.amazon.awssdk.services.costexplorer.model.Granularity;
import software.amazon.awssdk.services.costexplorer.model.Group;
import software.amazon.awssdk.services.costexplorer.model.GroupDefinition;
import software.amazon.awssdk.services.costexplorer.model.GroupDefinitionType;
import software.amazon.awssdk.services.costexplorer.model.Metric;
import software.amazon.awssdk.services.costexplorer.model.MetricValue;
import software.amazon.awssdk.services.costexplorer.model.ResultByTime;
import software.amazon.awssdk.services.costexplorer.model.TagValues;

/**
 * AWS Cost Explorer behind {@link AwsCostSource}. The client uses the default credential chain and region-less
 * endpoint resolution (Cost Explorer lives in us-east-1), so {@code AWS_ENDPOINT_URL_COST_EXPLORER} /
 * {@code AWS_ENDPOINT_URL} redirect it. SDK exceptions become {@link CvaException}s here.
 */
public final class CostExplorerSource implements AwsCostSource, AutoCloseable {
    static final String METRIC = "UnblendedCost";

    private final CostExplorerClient client;
    private final String tagKey;
    private final String tagValue;
    private final String serviceTag;

    /**
     * @param tag        the project's cost-allocation tag, {@code Key=value}
     * @param serviceTag the tag key naming each resource's service (empty groups are untagged)
     */
    public CostExplorerSource(CostExplorerClient client, String tag, String serviceTag) {
        int eq = tag.indexOf('=');
        if (eq <= 0 || eq == tag.length() - 1) {
            throw CvaException.usage("cost.tag must be Key=value, not '" + tag + "'", "e.g. Project=cv-analytics");
        }
        this.client = client;
        this.tagKey = tag.substring(0, eq);
        this.tagValue = tag.substring(eq + 1);
        this.serviceTag = serviceTag;
    }

    /** The production client: default credentials, us-east-1, URLConnection HTTP. */
    public static CostExplorerClient defaultClient() {
        return CostExplorerClient.builder()
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private Expression filter() {
        return Expression.builder()
                .tags(TagValues.builder().key(tagKey).values(tagValue).build())
                .build();
    }

    @Override
    public List<CostItem> costs(LocalDate start, LocalDate end) {
        List<CostItem> items = new ArrayList<>();
        String token = null;
        do {
            GetCostAndUsageRequest.Builder b = GetCostAndUsageRequest.builder()
                    .timePeriod(DateInterval.builder()
                            .start(start.toString())
                            .end(end.toString())
                            .build())
                    .granularity(Granularity.MONTHLY)
                    .metrics(METRIC)
                    .groupBy(
                            GroupDefinition.builder()
                                    .type(GroupDefinitionType.DIMENSION)
                                    .key("SERVICE")
                                    .build(),
                            GroupDefinition.builder()
                                    .type(GroupDefinitionType.TAG)
                                    .key(serviceTag)
                                    .build())
                    .filter(filter());
            if (token != null) {
                b.nextPageToken(token);
            }
            GetCostAndUsageResponse r = call("GetCostAndUsage", () -> client.getCostAndUsage(b.build()));
            for (ResultByTime t : r.resultsByTime()) {
                for (Group g : t.groups()) {
                    MetricValue m = g.metrics().get(METRIC);
                    if (m == null || m.amount() == null) {
                        continue;
                    }
                    String product = g.keys().isEmpty() ? "" : g.keys().get(0);
                    String service =
                            g.keys().size() < 2 ? "" : tagValueOf(g.keys().get(1));
                    items.add(new CostItem(
                            "aws", service, product, new BigDecimal(m.amount()), m.unit() == null ? "USD" : m.unit()));
                }
            }
            token = r.nextPageToken();
        } while (token != null && !token.isEmpty());
        return items;
    }

    /** Cost Explorer names tag groups {@code Key$value}; {@code Key$} is "no such tag". */
    static String tagValueOf(String groupKey) {
        int dollar = groupKey.indexOf('$');
        return dollar < 0 ? groupKey : groupKey.substring(dollar + 1);
    }

    @Override
    public Optional<BigDecimal> forecast(LocalDate start, LocalDate end) {
        if (!start.isBefore(end)) {
            return Optional.of(BigDecimal.ZERO);
        }
        try {
            GetCostForecastResponse r = client.getCostForecast(b -> b.timePeriod(DateInterval.builder()
                            .start(start.toString())
                            .end(end.toString())
                            .build())
                    .metric(Metric.UNBLENDED_COST)
                    .granularity(Granularity.MONTHLY)
                    .filter(filter()));
            if (r.total() == null || r.total().amount() == null) {
                return Optional.empty();
            }
            return Optional.of(new BigDecimal(r.total().amount()));
        } catch (DataUnavailableException e) {
            return Optional.empty(); // too little history to forecast: the caller falls back to the run rate
        } catch (CostExplorerException e) {
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                throw translate("GetCostForecast", e);
            }
            return Optional.empty(); // e.g. an emulator without GetCostForecast
        } catch (SdkException e) {
            throw translate("GetCostForecast", e);
        }
    }

    private static <T> T call(String operation, Supplier<T> op) {
        try {
            return op.get();
        } catch (SdkException e) {
            throw translate(operation, e);
        }
    }

    static CvaException translate(String operation, SdkException e) {
        if (e instanceof DataUnavailableException) {
            return new CvaException(
                    ExitCode.FAILURE,
                    "Cost Explorer " + operation + ": no data for that period",
                    "Cost Explorer must be enabled for the account (it holds data from about 24 hours after)",
                    e);
        }
        if (e instanceof CostExplorerException ce) {
            int status = ce.statusCode();
            String code =
                    ce.awsErrorDetails() == null ? "" : ce.awsErrorDetails().errorCode();
            String hint = status == 403 || status == 401
                    ? "the caller needs ce:GetCostAndUsage and ce:GetCostForecast (check AWS_PROFILE / credentials)"
                    : "ValidationException".equals(code)
                            ? "activate the cost-allocation tag (cost.tag) in the Billing console; it can take a day to appear"
                            : null;
            return new CvaException(
                    ExitCode.FAILURE,
                    "Cost Explorer " + operation + " failed: " + code
                            + " (HTTP " + status + ") "
                            + (ce.awsErrorDetails() == null
                                    ? ce.getMessage()
                                    : ce.awsErrorDetails().errorMessage()),
                    hint,
                    e);
        }
        if (e instanceof SdkClientException) {
            return new CvaException(
                    ExitCode.FAILURE,
                    "Cost Explorer " + operation + ": " + e.getMessage(),
                    "check the AWS credentials (default chain: AWS_PROFILE, environment, SSO) and the network",
                    e);
        }
        return new CvaException(ExitCode.FAILURE, "Cost Explorer " + operation + ": " + e.getMessage(), null, e);
    }

    @Override
    public void close() {
        client.close();
    }
}
