package dev.cva.cli.stack;

import dev.cva.cli.stackclient.ControlToken;
import dev.cva.cli.stackclient.LocalState;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The parts of a local stack that {@code cva top} reads, for real: the stack's {@link ControlServer} with
 * {@link LocalMetrics}' routes over a logs folder the test writes the services' JSON lines into, ElasticMQ in this JVM
 * with the four queues, and the state and token files that point cva at them (this JVM is the live supervisor). The
 * functions and their mappings do not run.
 */
public final class LiveStack implements AutoCloseable {
    public static final String REGION = "eu-west-2";

    private final ControlServer control;
    private final SQSRestServer sqsServer;
    private final Path projectRoot;
    public final Path logs;
    public final SqsClient sqs;
    public final Map<String, String> queueUrls = new LinkedHashMap<>();

    private LiveStack(Path projectRoot, Clock clock) throws IOException {
        this.projectRoot = projectRoot;
        this.logs = Files.createDirectories(projectRoot.resolve(".cva/local/logs"));
        sqsServer = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion(REGION)
                .withAWSAccountId("000000000000")
                .start();
        URI endpoint = URI.create("http://127.0.0.1:"
                + sqsServer.waitUntilStarted().localAddress().getPort());
        sqs = dev.cva.local.LocalAws.sqs(endpoint, REGION);
        Map<String, String> resources = new LinkedHashMap<>();
        resources.put("region", REGION);
        for (String[] q : new String[][] {
            {"queueUrl", "cv-analytics-queue.fifo"},
            {"dlqUrl", "cv-analytics-dlq.fifo"},
            {"webhookDlqUrl", "cv-analytics-webhook-dlq"},
            {"streamFailureDlqUrl", "cv-analytics-notifier-stream-failures"}
        }) {
            Map<QueueAttributeName, String> attributes = q[1].endsWith(".fifo")
                    ? Map.of(
                            QueueAttributeName.FIFO_QUEUE,
                            "true",
                            QueueAttributeName.CONTENT_BASED_DEDUPLICATION,
                            "true")
                    : Map.of();
            String url = sqs.createQueue(b -> b.queueName(q[1]).attributes(attributes))
                    .queueUrl();
            resources.put(q[0], url);
            queueUrls.put(q[1], url);
        }
        String token = ControlServer.newToken();
        control = new ControlServer(token);
        LocalMetrics.register(control, Map.of(), () -> null, () -> null, logs, clock);
        ControlToken.write(projectRoot, token);
        resources.put("controlUrl", control.url());
        new LocalState(
                        ProcessHandle.current().pid(),
                        System.currentTimeMillis(),
                        true,
                        Map.of(
                                "sqs",
                                new LocalState.Part("sqs", endpoint.toString(), 0, 0, "ElasticMQ in the test JVM")),
                        resources)
                .write(projectRoot);
    }

    /** A "running" stack of {@code projectRoot} whose metrics start counting at {@code clock}'s now. */
    public static LiveStack start(Path projectRoot, Clock clock) throws IOException {
        return new LiveStack(projectRoot, clock);
    }

    /** Appends {@code text} to the service's log, as the service's process writes it. */
    public void log(String service, String text) throws IOException {
        Files.writeString(
                logs.resolve(service + ".log"),
                text,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    @Override
    public void close() {
        LocalState.delete(projectRoot);
        control.close();
        sqs.close();
        sqsServer.stopAndWait();
    }
}
