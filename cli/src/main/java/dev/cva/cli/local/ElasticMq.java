package dev.cva.cli.local;

import dev.cva.local.Child;
import dev.cva.local.LocalAws;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** ElasticMQ as a child JVM, with a generated configuration that pre-creates the FIFO queue, its DLQ and the webhook DLQ. */
final class ElasticMq {
    /** Short locally, so a poison message reaches the DLQ (3 receives) in seconds. */
    static final int VISIBILITY_SECONDS = 5;

    private ElasticMq() {}

    record Queues(String queue, String dlq, String webhookDlq) {}

    static String config(int port, String region, Queues q) {
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
                }
                """.formatted(port, port, region, LocalAws.ACCOUNT, q.dlq(), VISIBILITY_SECONDS, q.queue(),
                VISIBILITY_SECONDS, q.dlq(), q.webhookDlq());
    }

    static Child start(Runtimes runtimes, Path workDir, int port, String region, Queues queues) {
        String classPath = runtimes.classPath("elasticmq");
        Path conf = workDir.resolve("elasticmq.conf");
        Path logback = workDir.resolve("elasticmq-logback.xml");
        try {
            Files.createDirectories(workDir);
            Files.writeString(conf, config(port, region, queues));
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
            throw new CvaException(ExitCode.FAILURE, "cannot write the ElasticMQ configuration: " + e.getMessage(), null, e);
        }
        Child c = Child.start("sqs (ElasticMQ)", List.of(Child.java(), "-Xss1m", "-XX:TieredStopAtLevel=1",
                "-Dconfig.file=" + conf, "-Dlogback.configurationFile=" + logback, "-cp", classPath,
                "org.elasticmq.server.Main"), Map.of(), workDir.resolve("logs/sqs.log"));
        c.awaitPort(port, Duration.ofSeconds(60));
        return c;
    }
}
