package dev.cva.cli.top;

import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.ListTimeSeriesResponse;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Cloud Monitoring's MetricService.ListTimeSeries on a loopback gRPC port for the real client: the receiver's
 * {@code request_count} as one series per response code class, one series a page (the client follows
 * {@code next_page_token}), and {@code request_latencies} at the percentile the aligner asks for.
 */
final class FakeMetricService implements AutoCloseable {
    static final String SERVICE = "google.monitoring.v3.MetricService";
    static final MethodDescriptor<ListTimeSeriesRequest, ListTimeSeriesResponse> LIST =
            MethodDescriptor.<ListTimeSeriesRequest, ListTimeSeriesResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "ListTimeSeries"))
                    .setRequestMarshaller(ProtoUtils.marshaller(ListTimeSeriesRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(ListTimeSeriesResponse.getDefaultInstance()))
                    .build();

    final List<ListTimeSeriesRequest> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Long> byClass;
    private final Map<Aggregation.Aligner, Double> latency;
    private final Server server;

    FakeMetricService(Map<String, Long> requestsByClass, Map<Aggregation.Aligner, Double> latencyMs)
            throws IOException {
        this.byClass = requestsByClass;
        this.latency = latencyMs;
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder(SERVICE)
                        .addMethod(LIST, ServerCalls.asyncUnaryCall((req, obs) -> {
                            requests.add(req);
                            obs.onNext(answer(req));
                            obs.onCompleted();
                        }))
                        .build())
                .build()
                .start();
    }

    String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    private ListTimeSeriesResponse answer(ListTimeSeriesRequest req) {
        ListTimeSeriesResponse.Builder r = ListTimeSeriesResponse.newBuilder();
        if (req.getFilter().contains("run.googleapis.com/request_count")) {
            List<String> classes = byClass.keySet().stream().sorted().toList();
            int page = req.getPageToken().isEmpty() ? 0 : Integer.parseInt(req.getPageToken());
            if (page < classes.size()) {
                String c = classes.get(page);
                r.addTimeSeries(TimeSeries.newBuilder()
                        .setMetric(com.google.api.Metric.newBuilder()
                                .setType("run.googleapis.com/request_count")
                                .putLabels("response_code_class", c))
                        .addPoints(Point.newBuilder()
                                .setValue(TypedValue.newBuilder().setInt64Value(byClass.get(c)))));
                if (page + 1 < classes.size()) {
                    r.setNextPageToken(Integer.toString(page + 1));
                }
            }
        } else if (req.getFilter().contains("run.googleapis.com/request_latencies")) {
            Double v = latency.get(req.getAggregation().getPerSeriesAligner());
            if (v != null) {
                r.addTimeSeries(TimeSeries.newBuilder()
                        .addPoints(Point.newBuilder()
                                .setValue(TypedValue.newBuilder().setDoubleValue(v))));
            }
        }
        return r.build();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
