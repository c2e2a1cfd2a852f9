package dev.cva.cli.top;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stackclient.ControlClient;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.local.LocalAws;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code cva top} on the local stack: the last minute as the stack's {@code GET /metrics/live} counts it from the
 * services' logs (LocalMetrics), and each queue's depth from ElasticMQ (GetQueueAttributes, the stack's
 * administrator keys).
 */
final class LocalTopSource implements TopSource {
    /** The queues shown, by their key in the state file's resources and in cva.yaml. */
    static final List<String[]> QUEUES = List.of(
            new String[] {"events", "queueUrl", "aws.queue"},
            new String[] {"dlq", "dlqUrl", "aws.dlq"},
            new String[] {"webhookDlq", "webhookDlqUrl", "aws.webhookDlq"},
            new String[] {"streamFailureDlq", "streamFailureDlqUrl", "aws.streamFailureDlq"});

    private final LocalState state;
    private final ControlClient control;
    private final SqsClient sqs;
    private final Map<String, String> names;
    private final String environment;

    LocalTopSource(CvaContext ctx) {
        this.state = LocalState.require(ctx);
        this.control = ControlClient.of(state, ctx.projectRoot());
        this.sqs = LocalAws.sqs(
                URI.create(state.url("sqs")),
                state.resource("region"),
                LocalCredentials.read(ctx.projectRoot()).provider());
        var settings = ctx.settings();
        this.names = new java.util.LinkedHashMap<>();
        QUEUES.forEach(q -> names.put(q[0], settings.get(q[2])));
        this.environment = ctx.environmentName();
    }

    @Override
    public TopSnapshot read() {
        JsonNode live = control.get("/metrics/live");
        List<TopSnapshot.Part> parts = new ArrayList<>();
        live.path("parts")
                .fields()
                .forEachRemaining(e -> parts.add(new TopSnapshot.Part(
                        e.getKey(),
                        number(e.getValue().path("inPerSecond")),
                        number(e.getValue().path("outPerSecond")),
                        number(e.getValue().path("errorsPerSecond")),
                        e.getValue().path("basis").asText(null))));
        List<TopSnapshot.Latency> latency = new ArrayList<>();
        live.path("latency")
                .fields()
                .forEachRemaining(e -> latency.add(new TopSnapshot.Latency(
                        e.getKey(),
                        number(e.getValue().path("p50Ms")),
                        number(e.getValue().path("p95Ms")),
                        null,
                        e.getValue().path("samples").asLong(),
                        e.getValue().path("basis").asText(null))));
        List<TopSnapshot.Queue> queues = new ArrayList<>();
        for (String[] q : QUEUES) {
            queues.add(queue(q[0], state.resource(q[1])));
        }
        JsonNode b = live.path("breaker");
        return new TopSnapshot(
                environment,
                live.path("at").asText(),
                live.path("windowSeconds").asDouble(),
                "local stack: the services' JSON logs (GET /metrics/live) and ElasticMQ",
                parts,
                queues,
                new TopSnapshot.Breaker(
                        b.path("state").asText("unknown"),
                        b.path("since").asText(null),
                        "the notifier's last breaker_open / breaker_closed log line"),
                latency,
                List.of("ElasticMQ reports no age of the oldest message: oldestAgeSeconds is null locally"));
    }

    private TopSnapshot.Queue queue(String name, String url) {
        if (url == null) {
            return new TopSnapshot.Queue(name, names.get(name), null, null, null);
        }
        try {
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url)
                            .attributeNames(
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes();
            return new TopSnapshot.Queue(
                    name,
                    names.get(name),
                    Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
                    Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")),
                    null);
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "the local SQS did not answer for " + names.get(name) + ": " + e.getMessage(),
                    "check the stack with 'cva local status'",
                    e);
        }
    }

    private static Double number(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asDouble();
    }

    @Override
    public void close() {
        sqs.close();
    }
}
