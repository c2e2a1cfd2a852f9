package dev.cva.cli.cost;

import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.ListTimeSeriesResponse;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeInterval;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A fake of Cloud Monitoring's MetricService.ListTimeSeries on a loopback gRPC port, for the real client:
 * answers one daily series per metric type named in the filter, for the month the interval starts in.
 */
final class FakeMonitoring implements AutoCloseable {
    static final String SERVICE = "google.monitoring.v3.MetricService";
    static final MethodDescriptor<ListTimeSeriesRequest, ListTimeSeriesResponse> LIST =
            MethodDescriptor.<ListTimeSeriesRequest, ListTimeSeriesResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "ListTimeSeries"))
                    .setRequestMarshaller(ProtoUtils.marshaller(ListTimeSeriesRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(ListTimeSeriesResponse.getDefaultInstance()))
                    .build();

    /** metric type + "@" + interval start seconds -> daily values. */
    private final Map<String, List<Double>> series = new ConcurrentHashMap<>();

    final List<ListTimeSeriesRequest> requests = new CopyOnWriteArrayList<>();
    private final Server server;

    FakeMonitoring() throws IOException {
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

    /** Daily values of {@code metricType} for the interval that starts at {@code startEpochSecond}. */
    FakeMonitoring daily(String metricType, long startEpochSecond, double... values) {
        series.put(
                metricType + "@" + startEpochSecond,
                java.util.Arrays.stream(values).boxed().toList());
        return this;
    }

    private ListTimeSeriesResponse answer(ListTimeSeriesRequest req) {
        String type = req.getFilter().replaceAll("^metric\\.type=\"([^\"]+)\".*$", "$1");
        List<Double> values =
                series.get(type + "@" + req.getInterval().getStartTime().getSeconds());
        ListTimeSeriesResponse.Builder r = ListTimeSeriesResponse.newBuilder();
        if (values != null) {
            TimeSeries.Builder ts = TimeSeries.newBuilder();
            long day = req.getInterval().getStartTime().getSeconds();
            for (double v : values) {
                TypedValue value = type.endsWith("billable_instance_time")
                        ? TypedValue.newBuilder().setDoubleValue(v).build()
                        : TypedValue.newBuilder().setInt64Value((long) v).build();
                ts.addPoints(Point.newBuilder()
                        .setValue(value)
                        .setInterval(TimeInterval.newBuilder()
                                .setStartTime(com.google.protobuf.Timestamp.newBuilder()
                                        .setSeconds(day))
                                .setEndTime(com.google.protobuf.Timestamp.newBuilder()
                                        .setSeconds(day + 86_400))));
                day += 86_400;
            }
            r.addTimeSeries(ts);
        }
        return r.build();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
