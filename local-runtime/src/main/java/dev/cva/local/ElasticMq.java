package dev.cva.local;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * ElasticMQ as a child JVM, with a generated configuration that pre-creates the FIFO queue, its DLQ, the webhook DLQ
 * and the notifier stream mapping's on-failure destination.
 */
public final class ElasticMq {
    /**
     * The event queue's visibility timeout unless the caller passes one: short locally, so a poison message reaches
     * the DLQ (3 receives) in seconds. Production uses services.processor.eventSource.visibilityTimeoutSeconds of
     * cva.yaml (six times the function's timeout); {@code CVA_LOCAL_VISIBILITY_SECONDS=cva.yaml} runs with it here.
     */
    public static final int VISIBILITY_SECONDS = 5;


    private ElasticMq() {}

    /**
     * @param visibilitySeconds the event queue's visibility timeout
     * @param streamFailureDlq  the stream mapping's on-failure destination (a standard queue, as Lambda requires)
     */
    public record Queues(String queue, String dlq, String webhookDlq, String streamFailureDlq, int visibilitySeconds) {
        public Queues(String queue, String dlq, String webhookDlq, String streamFailureDlq) {
            this(queue, dlq, webhookDlq, streamFailureDlq, VISIBILITY_SECONDS);
        }
    }

    static String config(int port, String region, Queues q) {
        return config(port, region, q, null);
    }

    /** @param messageStore an H2 database path ElasticMQ keeps its messages in across restarts, or null for memory */
    static String config(int port, String region, Queues q, Path messageStore) {
        String storage = messageStore == null ? "" : """
                messages-storage {
                  enabled = true
                  uri = "jdbc:h2:%s"
                }
                """.formatted(messageStore.toAbsolutePath());
        return """
                include classpath("application.conf")
                node-address { protocol = http, host = "127.0.0.1", port = %d, context-path = "" }
                rest-sqs { enabled = true, bind-port = %d, bind-hostname = "127.0.0.1", sqs-limits = strict }
                rest-stats { enabled = false }
                aws { region = "%s", accountId = "%s" }
                queues {
                  "%s" { fifo = true, contentBasedDeduplication = false, defaultVisibilityTimeout = %d seconds }
                  "%s" {
                    fifo = true
                    contentBasedDeduplication = false
                    defaultVisibilityTimeout = %d seconds
                    deadLettersQueue { name = "%s", maxReceiveCount = 3 }
                  }
                  "%s" { defaultVisibilityTimeout = 30 seconds }
                  "%s" { defaultVisibilityTimeout = 30 seconds }
                }
                """.formatted(port, port, region, LocalAws.ACCOUNT, q.dlq(), VISIBILITY_SECONDS, q.queue(),
                q.visibilitySeconds(), q.dlq(), q.webhookDlq(), q.streamFailureDlq()) + storage;
    }

    static boolean answers(int port, String queue) {
        try {
            var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + port + "/?Action=GetQueueUrl&Version=2012-11-05&QueueName="
                            + java.net.URLEncoder.encode(queue, java.nio.charset.StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("QueueUrl");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts ElasticMQ's server from {@code classPath} (its own jars, never the caller's class path). */
    public static Child start(String classPath, Path workDir, int port, String region, Queues queues) {
        return start(classPath, workDir, port, region, queues, null);
    }

    /** @param messageStore see {@link #config(int, String, Queues, Path)} */
    public static Child start(String classPath, Path workDir, int port, String region, Queues queues, Path messageStore) {
        return start(classPath, workDir, port, region, queues, messageStore, Readiness.timeout());
    }

    /** @param ready how long ElasticMQ may take to answer (its JVM start is slow on a busy machine) */
    public static Child start(String classPath, Path workDir, int port, String region, Queues queues, Path messageStore,
                              Duration ready) {
        Path conf = workDir.resolve("elasticmq.conf");
        Path logback = workDir.resolve("elasticmq-logback.xml");
        try {
            Files.createDirectories(workDir);
            Files.writeString(conf, config(port, region, queues, messageStore));
            Files.writeString(logback, """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
                      </appender>
                      <logger name="org.apache.pekko" level="WARN"/>
                      <root level="INFO"><appender-ref ref="OUT"/></root>
                    </configuration>
                    """);
        } catch (IOException e) {
            throw new LocalRuntimeException("cannot write the ElasticMQ configuration: " + e.getMessage(), null, e);
        }
        Child c = Child.start("sqs (ElasticMQ)", List.of(Child.java(), "-Xss1m", // long-lived: the full JIT
                "-Dconfig.file=" + conf, "-Dlogback.configurationFile=" + logback, "-cp", classPath,
                "org.elasticmq.server.Main"), Map.of(), workDir.resolve("logs/sqs.log"));
        // ready = it answers an SQS call and knows the queues this run configured, not merely an open port
        c.await(() -> answers(port, queues.queue()), ready, "an answer to SQS GetQueueUrl");
        return c;
    }
}
