package dev.cva.cli.top;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.ProjectName;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.Timestamp;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.time.Duration;
import java.time.Instant;

/**
 * The receiver's requests from Cloud Monitoring (its Cloud Run service, named as the function), through the real
 * gRPC client and its paged {@code listTimeSeries}: requests by response code class, and the request latency p50/p95.
 */
final class ReceiverMonitoring implements AutoCloseable {
    /** Requests in the window: all of them, and those answered 2xx. */
    record Requests(long total, long ok) {}

    private final MetricServiceClient client;
    private final String project;
    private final String service;

    ReceiverMonitoring(MetricServiceClient client, String project, String service) {
        this.client = client;
        this.project = project;
        this.service = service;
    }

    private String filter(String metric) {
        return "metric.type=\"" + metric + "\" AND resource.type=\"cloud_run_revision\""
                + " AND resource.labels.service_name=\"" + service + "\"";
    }

    Requests requests(Instant end, Duration window) {
        long total = 0;
        long ok = 0;
        Aggregation sum = Aggregation.newBuilder()
                .setAlignmentPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(window.toSeconds()))
                .setPerSeriesAligner(Aggregation.Aligner.ALIGN_DELTA)
                .setCrossSeriesReducer(Aggregation.Reducer.REDUCE_SUM)
                .addGroupByFields("metric.labels.response_code_class")
                .build();
        for (TimeSeries ts : list("run.googleapis.com/request_count", end, window, sum)) {
            long n = 0;
            for (Point p : ts.getPointsList()) {
                n += (long) value(p.getValue());
            }
            total += n;
            if ("2xx".equals(ts.getMetric().getLabelsMap().get("response_code_class"))) {
                ok += n;
            }
        }
        return new Requests(total, ok);
    }

    /** The request latency at percentile {@code aligner} (ALIGN_PERCENTILE_50 / _95) over the window, in ms; null without requests. */
    Double latency(Aggregation.Aligner aligner, Instant end, Duration window) {
        Aggregation a = Aggregation.newBuilder()
                .setAlignmentPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(window.toSeconds()))
                .setPerSeriesAligner(aligner)
                .setCrossSeriesReducer(Aggregation.Reducer.REDUCE_MAX)
                .build();
        Double worst = null;
        for (TimeSeries ts : list("run.googleapis.com/request_latencies", end, window, a)) {
            for (Point p : ts.getPointsList()) {
                double v = value(p.getValue());
                worst = worst == null ? v : Math.max(worst, v);
            }
        }
        return worst;
    }

    private Iterable<TimeSeries> list(String metric, Instant end, Duration window, Aggregation aggregation) {
        ListTimeSeriesRequest request = ListTimeSeriesRequest.newBuilder()
                .setName(ProjectName.of(project).toString())
                .setFilter(filter(metric))
                .setInterval(TimeInterval.newBuilder()
                        .setStartTime(ts(end.minus(window)))
                        .setEndTime(ts(end)))
                .setAggregation(aggregation)
                .setView(ListTimeSeriesRequest.TimeSeriesView.FULL)
                .build();
        try {
            java.util.List<TimeSeries> all = new java.util.ArrayList<>();
            client.listTimeSeries(request).iterateAll().forEach(all::add); // every page
            return all;
        } catch (ApiException e) {
            int status = e.getStatusCode().getCode().getHttpStatusCode();
            String hint = status == 403 || status == 401
                    ? "the caller needs monitoring.timeSeries.list on " + project + " (roles/monitoring.viewer)"
                    : "check 'gcloud auth application-default login' and gcp.project";
            throw new CvaException(
                    ExitCode.FAILURE,
                    "Cloud Monitoring ListTimeSeries (" + metric + ") failed: " + e.getMessage(),
                    hint,
                    e);
        }
    }

    private static double value(TypedValue v) {
        return switch (v.getValueCase()) {
            case INT64_VALUE -> v.getInt64Value();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case DISTRIBUTION_VALUE -> v.getDistributionValue().getMean();
            default -> 0;
        };
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }

    @Override
    public void close() {
        client.close();
    }
}
