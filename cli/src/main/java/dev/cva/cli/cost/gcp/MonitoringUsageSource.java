package dev.cva.cli.cost.gcp;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.ProjectName;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.cost.GcpUsageSource;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Cloud Monitoring behind {@link GcpUsageSource}: daily sums of a DELTA metric over the project, through the
 * real (gRPC) client. API exceptions become {@link CvaException}s here.
 */
public final class MonitoringUsageSource implements GcpUsageSource, AutoCloseable {
    private final MetricServiceClient client;
    private final String project;

    public MonitoringUsageSource(MetricServiceClient client, String project) {
        this.client = client;
        this.project = project;
    }

    /** Application Default Credentials, or, when {@code endpoint} is given (tests), that endpoint and none. */
    public static MetricServiceClient client(String endpoint) {
        try {
            MetricServiceSettings.Builder b = MetricServiceSettings.newBuilder();
            if (endpoint != null && !endpoint.isBlank()) {
                // a local fake or recording proxy: plaintext gRPC, no credentials (the emulator pattern)
                b.setEndpoint(endpoint)
                        .setCredentialsProvider(NoCredentialsProvider.create())
                        .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
                                .setEndpoint(endpoint)
                                .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                                .build());
            }
            return MetricServiceClient.create(b.build());
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot create the Cloud Monitoring client: " + e.getMessage(),
                    "run 'gcloud auth application-default login'",
                    e);
        }
    }

    @Override
    public List<BigDecimal> daily(String filter, Instant start, Instant end) {
        ListTimeSeriesRequest request = ListTimeSeriesRequest.newBuilder()
                .setName(ProjectName.of(project).toString())
                .setFilter(filter)
                .setInterval(TimeInterval.newBuilder().setStartTime(ts(start)).setEndTime(ts(end)))
                .setAggregation(Aggregation.newBuilder()
                        .setAlignmentPeriod(Duration.newBuilder().setSeconds(86_400))
                        .setPerSeriesAligner(Aggregation.Aligner.ALIGN_SUM)
                        .setCrossSeriesReducer(Aggregation.Reducer.REDUCE_SUM))
                .setView(ListTimeSeriesRequest.TimeSeriesView.FULL)
                .build();
        List<BigDecimal> days = new ArrayList<>();
        try {
            for (TimeSeries series : client.listTimeSeries(request).iterateAll()) {
                for (Point p : series.getPointsList()) {
                    days.add(value(p.getValue()));
                }
            }
        } catch (ApiException e) {
            int status = e.getStatusCode().getCode().getHttpStatusCode();
            String hint = status == 403 || status == 401
                    ? "the caller needs monitoring.timeSeries.list on " + project + " (roles/monitoring.viewer)"
                    : null;
            throw new CvaException(
                    ExitCode.FAILURE, "Cloud Monitoring ListTimeSeries failed: " + e.getMessage(), hint, e);
        }
        return days;
    }

    private static BigDecimal value(TypedValue v) {
        return switch (v.getValueCase()) {
            case INT64_VALUE -> BigDecimal.valueOf(v.getInt64Value());
            case DOUBLE_VALUE -> new BigDecimal(Double.toString(v.getDoubleValue()));
            default -> BigDecimal.ZERO;
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
