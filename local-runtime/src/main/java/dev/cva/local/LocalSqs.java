package dev.cva.local;

import java.net.URI;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** ElasticMQ in this JVM, on a free port. */
public final class LocalSqs implements AutoCloseable {
    private final SQSRestServer server;
    private final URI endpoint;

    private LocalSqs(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    public static LocalSqs start() {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion(LocalAws.DEFAULT_REGION.id())
                .withAWSAccountId(LocalAws.ACCOUNT)
                .start();
        int port = server.waitUntilStarted().localAddress().getPort();
        return new LocalSqs(server, URI.create("http://127.0.0.1:" + port));
    }

    public URI endpoint() {
        return endpoint;
    }

    public SqsClient client() {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(LocalAws.DEFAULT_REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** A FIFO queue with a FIFO DLQ after {@code maxReceiveCount} receives; returns {queueUrl, dlqUrl}. */
    public static String[] createFifoWithDlq(SqsClient sqs, String name, int maxReceiveCount, int visibilitySeconds) {
        String dlqUrl = sqs.createQueue(
                        b -> b.queueName(name + "-dlq.fifo").attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
                .queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        String queueUrl = sqs.createQueue(b -> b.queueName(name + ".fifo")
                        .attributes(Map.of(
                                QueueAttributeName.FIFO_QUEUE,
                                "true",
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                Integer.toString(visibilitySeconds),
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount
                                        + "\"}")))
                .queueUrl();
        return new String[] {queueUrl, dlqUrl};
    }

    /**
     * Stops the server. ElasticMQ's own {@code stopAndWait} gives up after one minute, which a busy machine can
     * take (the actor system finishing its requests); this waits longer and then lets the daemon threads go.
     */
    @Override
    public void close() {
        stop(server);
    }

    /** Stops an in-process ElasticMQ, waiting up to five minutes; the other in-process ElasticMQs use it too. */
    public static void stop(SQSRestServer server) {
        try {
            scala.jdk.javaapi.FutureConverters.asJava(server.stopAndGetFuture().apply())
                    .toCompletableFuture()
                    .get(5, java.util.concurrent.TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            System.err.println("ElasticMQ did not stop cleanly: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
