package dev.cva.cli.top;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * One GetMetricData over the AWS half of the pipeline, through the SDK's paginator: the queues (depth, in flight,
 * age of the oldest message, messages sent / received / deleted), the processor and notifier functions (invocations,
 * errors, duration p50/p95), the stream mapping's IteratorAge and the notifier's own {@code BreakerOpen} count (its
 * log metric filter). SDK failures become a {@link CvaException} here.
 */
final class CloudWatchMetrics implements AutoCloseable {
    /** One query: its id in the request, and what it asks. */
    record Query(String id, String namespace, String metric, Map<String, String> dimensions, String stat) {}

    /** The answers by query id: values newest first, as GetMetricData sorts them (ScanBy.TIMESTAMP_DESCENDING). */
    record Results(Map<String, List<Double>> values) {
        Double latest(String id) {
            List<Double> v = values.get(id);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        Double sum(String id) {
            List<Double> v = values.get(id);
            return v == null
                    ? null
                    : v.stream().mapToDouble(Double::doubleValue).sum();
        }

        Double max(String id) {
            List<Double> v = values.get(id);
            return v == null || v.isEmpty()
                    ? null
                    : v.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
        }
    }

    private final CloudWatchClient client;

    CloudWatchMetrics(CloudWatchClient client) {
        this.client = client;
    }

    /**
     * The default credential chain and {@code region}; {@code AWS_ENDPOINT_URL_CLOUDWATCH} (or {@code
     * aws.endpointUrlCloudWatch}) reaches a stand-in, as the SDK reads it itself.
     */
    static CloudWatchMetrics of(String region) {
        return new CloudWatchMetrics(CloudWatchClient.builder()
                .region(Region.of(region))
                .httpClient(UrlConnectionHttpClient.create())
                .build());
    }

    Results read(List<Query> queries, Instant end, Duration window, int periodSeconds) {
        List<MetricDataQuery> q = new ArrayList<>();
        for (Query query : queries) {
            List<Dimension> dims = new ArrayList<>();
            query.dimensions()
                    .forEach((k, v) ->
                            dims.add(Dimension.builder().name(k).value(v).build()));
            q.add(MetricDataQuery.builder()
                    .id(query.id())
                    .returnData(true)
                    .metricStat(MetricStat.builder()
                            .period(periodSeconds)
                            .stat(query.stat())
                            .metric(Metric.builder()
                                    .namespace(query.namespace())
                                    .metricName(query.metric())
                                    .dimensions(dims)
                                    .build())
                            .build())
                    .build());
        }
        GetMetricDataRequest request = GetMetricDataRequest.builder()
                .metricDataQueries(q)
                .startTime(end.minus(window))
                .endTime(end)
                .scanBy(ScanBy.TIMESTAMP_DESCENDING)
                .build();
        Map<String, List<Double>> values = new LinkedHashMap<>();
        try {
            // a page may hold part of a query's points: the paginator's pages are merged by id
            for (MetricDataResult r : client.getMetricDataPaginator(request).metricDataResults()) {
                values.computeIfAbsent(r.id(), k -> new ArrayList<>()).addAll(r.values());
            }
        } catch (CloudWatchException e) {
            int status = e.statusCode();
            String hint = status == 403
                            || "AccessDenied"
                                    .equals(
                                            e.awsErrorDetails() == null
                                                    ? null
                                                    : e.awsErrorDetails().errorCode())
                    ? "the caller needs cloudwatch:GetMetricData"
                    : null;
            throw new CvaException(
                    ExitCode.FAILURE,
                    "CloudWatch GetMetricData failed: "
                            + (e.awsErrorDetails() == null
                                    ? e.getMessage()
                                    : e.awsErrorDetails().errorMessage()),
                    hint,
                    e);
        } catch (SdkClientException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "CloudWatch could not be reached: " + e.getMessage(),
                    "check the AWS credentials and region (aws sts get-caller-identity)",
                    e);
        }
        return new Results(values);
    }

    @Override
    public void close() {
        client.close();
    }
}
