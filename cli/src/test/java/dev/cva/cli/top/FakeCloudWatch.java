package dev.cva.cli.top;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * CloudWatch's GetMetricData on a loopback port, in the protocol the real SDK client speaks (Smithy RPCv2 CBOR,
 * {@code POST /service/GraniteServiceVersion20100801/operation/GetMetricData}); moto's server answers only the
 * query and JSON protocols. Values are set per namespace, metric, dimensions and statistic, newest first, one a
 * minute back from the request's end time; an answer of more than four queries is split over two pages, so the
 * client's paginator has to follow the NextToken.
 */
final class FakeCloudWatch implements AutoCloseable {
    static final String PATH = "/service/GraniteServiceVersion20100801/operation/GetMetricData";
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private final HttpServer server;
    private final Map<String, List<Double>> values = new ConcurrentHashMap<>();
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    volatile boolean deny;

    FakeCloudWatch() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static String key(String namespace, String metric, Map<String, String> dimensions, String stat) {
        return namespace + "|" + metric + "|" + new TreeMap<>(dimensions) + "|" + stat;
    }

    /** The values of one metric and statistic, newest first. */
    FakeCloudWatch put(
            String namespace, String metric, Map<String, String> dimensions, String stat, double... newestFirst) {
        values.put(
                key(namespace, metric, dimensions, stat),
                java.util.Arrays.stream(newestFirst).boxed().toList());
        return this;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            JsonNode req = CBOR.readTree(x.getRequestBody().readAllBytes());
            if (!PATH.equals(x.getRequestURI().getPath())) {
                reply(x, 404, Map.of("__type", "UnknownOperationException"));
                return;
            }
            requests.add(req);
            if (deny) {
                reply(
                        x,
                        403,
                        Map.of(
                                "__type",
                                "AccessDenied",
                                "message",
                                "User is not authorized to perform: cloudwatch:GetMetricData"));
                return;
            }
            List<JsonNode> queries = new ArrayList<>();
            req.path("MetricDataQueries").forEach(queries::add);
            boolean second = req.hasNonNull("NextToken");
            int half = queries.size() > 4 ? (queries.size() + 1) / 2 : queries.size();
            List<JsonNode> page = second ? queries.subList(half, queries.size()) : queries.subList(0, half);
            double end = req.path("EndTime").asDouble();

            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try (CBORGenerator g = (CBORGenerator) CBOR.getFactory().createGenerator(body)) {
                g.writeStartObject();
                g.writeArrayFieldStart("MetricDataResults");
                for (JsonNode q : page) {
                    JsonNode stat = q.path("MetricStat");
                    Map<String, String> dims = new TreeMap<>();
                    stat.path("Metric")
                            .path("Dimensions")
                            .forEach(d -> dims.put(
                                    d.path("Name").asText(), d.path("Value").asText()));
                    List<Double> v = values.getOrDefault(
                            key(
                                    stat.path("Metric").path("Namespace").asText(),
                                    stat.path("Metric").path("MetricName").asText(),
                                    dims,
                                    stat.path("Stat").asText()),
                            List.of());
                    g.writeStartObject();
                    g.writeStringField("Id", q.path("Id").asText());
                    g.writeStringField(
                            "Label", stat.path("Metric").path("MetricName").asText());
                    g.writeArrayFieldStart("Timestamps");
                    for (int i = 0; i < v.size(); i++) {
                        g.writeTag(1); // epoch seconds
                        g.writeNumber(end - 60.0 * (i + 1));
                    }
                    g.writeEndArray();
                    g.writeArrayFieldStart("Values");
                    for (double d : v) {
                        g.writeNumber(d);
                    }
                    g.writeEndArray();
                    g.writeStringField("StatusCode", "Complete");
                    g.writeEndObject();
                }
                g.writeEndArray();
                if (!second && half < queries.size()) {
                    g.writeStringField("NextToken", "page-2");
                }
                g.writeEndObject();
            }
            send(x, 200, body.toByteArray());
        }
    }

    private static void reply(HttpExchange x, int status, Map<String, String> body) throws IOException {
        send(x, status, CBOR.writeValueAsBytes(body));
    }

    private static void send(HttpExchange x, int status, byte[] body) throws IOException {
        x.getResponseHeaders().add("Content-Type", "application/cbor");
        x.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
