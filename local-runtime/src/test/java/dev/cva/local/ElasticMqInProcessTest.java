package dev.cva.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * ElasticMQ's server inside this JVM as the supervisor of {@code cva local} runs it: from its jars in a class loader
 * of their own, with the same generated configuration as the child JVM (the configured queues, a poison message in
 * the DLQ after 3 receives, loopback only), its messages kept across a stop and a start on the same port.
 */
class ElasticMqInProcessTest {
    @TempDir
    Path work;

    /**
     * The test class path's jars: ElasticMQ's server with its dependencies, as Maven resolved them, less the other
     * tests' SLF4J providers (ElasticMQ's own jar set, which cva runs, has logback only).
     */
    static List<Path> jars() {
        ElasticMqTest.classPath();
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar"))
                .map(Path::of)
                // the Functions Framework invoker's jar carries slf4j-jdk14 inside it
                .filter(p -> !p.getFileName().toString().matches("slf4j-(?!api-).*|java-function-invoker-.*"))
                .toList();
    }

    @Test
    void servesTheConfiguredQueuesOnLoopbackMovesAPoisonMessageToTheDlqAndKeepsMessagesAcrossARestart()
            throws Exception {
        Path store = work.resolve("sqs-store");
        int port = Child.freePort();
        Path log = work.resolve("logs/sqs.log");
        // this JVM's standard output is a command's data (cva local demo --json): ElasticMQ logs to its own file
        java.io.PrintStream out = System.out;
        var captured = new java.io.ByteArrayOutputStream();
        ElasticMq.InProcess sqs;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            sqs = ElasticMq.startInProcess(
                    jars(), port, "eu-west-2", ElasticMqTest.QUEUES, store, log, ElasticMqTest.READY);
        } finally {
            System.setOut(out);
        }
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("elasticmq");
        assertThat(java.nio.file.Files.readString(log)).contains("Started SQS rest server");
        assertThat(sqs.logName()).isEqualTo(log.toString());
        try (SqsClient client = ElasticMqTest.client(port)) {
            assertThat(sqs.pid()).as("no process of its own").isZero();
            assertThat(client.listQueues().queueUrls())
                    .extracting(u -> u.substring(u.lastIndexOf('/') + 1))
                    .contains(
                            ElasticMqTest.QUEUES.queue(),
                            ElasticMqTest.QUEUES.dlq(),
                            ElasticMqTest.QUEUES.webhookDlq(),
                            ElasticMqTest.QUEUES.streamFailureDlq());
            for (InetAddress a : ElasticMqTest.nonLoopbackAddresses()) {
                assertThat(ElasticMqTest.connects(a, port))
                        .as(a.getHostAddress() + ":" + port)
                        .isFalse();
            }
            ElasticMqTest.assertListensOnLoopbackOnly(port);

            String queue = client.getQueueUrl(b -> b.queueName(ElasticMqTest.QUEUES.queue()))
                    .queueUrl();
            String dlq = client.getQueueUrl(b -> b.queueName(ElasticMqTest.QUEUES.dlq()))
                    .queueUrl();
            client.sendMessage(b -> b.queueUrl(queue)
                    .messageBody("{\"poison\":true}")
                    .messageGroupId("g")
                    .messageDeduplicationId("p-1"));
            ElasticMqTest.receiveUntilDeadLettered(client, queue, dlq);
            String hook = client.getQueueUrl(b -> b.queueName(ElasticMqTest.QUEUES.webhookDlq()))
                    .queueUrl();
            client.sendMessage(b -> b.queueUrl(hook).messageBody("kept"));
        } finally {
            sqs.stop();
        }
        assertThat(sqs.onExit()).isDone();
        assertThat(Child.listening(port)).as("the port is free once stopped").isFalse();

        // cva local stop|start sqs: the same port and store again, what was queued is still there
        ElasticMq.InProcess second = ElasticMq.startInProcess(
                jars(),
                port,
                "eu-west-2",
                ElasticMqTest.QUEUES,
                store,
                work.resolve("logs/sqs.log"),
                ElasticMqTest.READY);
        try (SqsClient client = ElasticMqTest.client(port)) {
            String hook = client.getQueueUrl(b -> b.queueName(ElasticMqTest.QUEUES.webhookDlq()))
                    .queueUrl();
            assertThat(client.receiveMessage(b -> b.queueUrl(hook).waitTimeSeconds(1))
                            .messages())
                    .extracting(Message::body)
                    .containsExactly("kept");
        } finally {
            second.stop();
        }
    }
}
