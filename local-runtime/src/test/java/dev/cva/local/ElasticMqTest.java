package dev.cva.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.elasticmq.server.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * ElasticMQ's server as {@code cva local} runs it: a child JVM with the generated configuration, bound to 127.0.0.1
 * only, serving the configured queues to the real SDK client (a poison message reaches the DLQ after 3 receives), its
 * messages kept across a restart when given a store, and gone with its port once stopped.
 */
class ElasticMqTest {
    static final ElasticMq.Queues QUEUES = new ElasticMq.Queues(
            "cv-analytics-queue.fifo",
            "cv-analytics-dlq.fifo",
            "cv-analytics-webhook-dlq",
            "cv-analytics-notifier-stream-failures",
            1);

    /** An ElasticMQ JVM start took 30 to 75 s with the machine's 2 cores loaded 15-fold; readiness is the outcome. */
    static final java.time.Duration READY = java.time.Duration.ofSeconds(300);

    @TempDir
    Path work;

    /** ElasticMQ's server and its dependencies, as Maven resolved them for this test JVM. */
    static String classPath() {
        String cp = System.getProperty("java.class.path");
        assertThat(cp).as("ElasticMQ's server on the test class path").contains("elasticmq-server");
        assertThat(Main.class.getName()).isEqualTo("org.elasticmq.server.Main"); // the class ElasticMq starts
        return cp;
    }

    static SqsClient client(int port) {
        return SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.EU_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Test
    void servesTheConfiguredQueuesOnLoopbackOnlyMovesAPoisonMessageToTheDlqAndKeepsMessagesAcrossARestart()
            throws Exception {
        Path store = work.resolve("sqs-store");
        int port = Child.freePort();
        Child sqs = ElasticMq.start(classPath(), work, port, "eu-west-2", QUEUES, store, READY);
        try (SqsClient client = client(port)) {
            assertThat(sqs.alive()).isTrue();
            assertThat(client.listQueues().queueUrls())
                    .extracting(u -> u.substring(u.lastIndexOf('/') + 1))
                    .contains(QUEUES.queue(), QUEUES.dlq(), QUEUES.webhookDlq(), QUEUES.streamFailureDlq());
            String queue = client.getQueueUrl(b -> b.queueName(QUEUES.queue())).queueUrl();
            String dlq = client.getQueueUrl(b -> b.queueName(QUEUES.dlq())).queueUrl();
            assertThat(client.getQueueAttributes(b -> b.queueUrl(queue).attributeNamesWithStrings("All"))
                            .attributesAsStrings())
                    .containsEntry("VisibilityTimeout", "1")
                    .containsEntry("FifoQueue", "true")
                    .hasEntrySatisfying(
                            "RedrivePolicy",
                            p -> assertThat(p).contains(QUEUES.dlq()).contains("\"maxReceiveCount\":3"));
            assertThat(client.getQueueAttributes(b -> b.queueUrl(dlq).attributeNamesWithStrings("QueueArn"))
                            .attributesAsStrings()
                            .get("QueueArn"))
                    .isEqualTo("arn:aws:sqs:eu-west-2:" + LocalAws.ACCOUNT + ":" + QUEUES.dlq());

            // listening on 127.0.0.1 only: from this machine's other addresses nothing answers
            for (InetAddress a : nonLoopbackAddresses()) {
                assertThat(connects(a, port))
                        .as(a.getHostAddress() + ":" + port)
                        .isFalse();
            }
            assertListensOnLoopbackOnly(port);

            // a message received three times and never deleted goes to the DLQ on the next receive
            client.sendMessage(b -> b.queueUrl(queue)
                    .messageBody("{\"poison\":true}")
                    .messageGroupId("g")
                    .messageDeduplicationId("p-1"));
            Message dead = receiveUntilDeadLettered(client, queue, dlq);
            assertThat(dead.body()).isEqualTo("{\"poison\":true}");

            String hook =
                    client.getQueueUrl(b -> b.queueName(QUEUES.webhookDlq())).queueUrl();
            client.sendMessage(b -> b.queueUrl(hook).messageBody("kept"));
        } finally {
            sqs.stop();
        }
        assertThat(sqs.alive()).isFalse();
        assertThat(Child.listening(port)).as("the port is free once stopped").isFalse();
        assertThat(Files.readString(sqs.log())).as("its log").contains("ElasticMQ server");

        // the same store on a new start: what was queued is still there
        int again = Child.freePort();
        Child second = ElasticMq.start(classPath(), work, again, "eu-west-2", QUEUES, store, READY);
        try (SqsClient client = client(again)) {
            String hook =
                    client.getQueueUrl(b -> b.queueName(QUEUES.webhookDlq())).queueUrl();
            assertThat(client.receiveMessage(b -> b.queueUrl(hook).waitTimeSeconds(1))
                            .messages())
                    .extracting(Message::body)
                    .containsExactly("kept");
        } finally {
            second.stop();
        }
    }

    static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .toList();
    }

    static boolean connects(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Linux: the listening socket of {@code port} in /proc/net/tcp{,6} is bound to 127.0.0.1 and nothing else. */
    static void assertListensOnLoopbackOnly(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        List<String> listening = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) { // 0A = LISTEN
                    listening.add(f[1].substring(0, f[1].length() - hexPort.length()));
                }
            }
        }
        if (new File("/proc/net/tcp").canRead()) {
            // 127.0.0.1, in /proc/net/tcp or (a JVM's dual-stack socket) as ::ffff:127.0.0.1 in /proc/net/tcp6
            assertThat(listening)
                    .as("listening addresses of port " + port)
                    .isNotEmpty()
                    .allMatch(a -> a.equals("0100007F") || a.equals("0000000000000000FFFF00000100007F"));
        }
    }

    /**
     * Receives from {@code queue} without deleting until the message is in {@code dlq} (each receive waits up to 1 s,
     * the visibility timeout): it must take exactly the redrive's 3 receives. Returns the dead-lettered message.
     */
    static Message receiveUntilDeadLettered(SqsClient client, String queue, String dlq) {
        int receives = 0;
        Message dead = null;
        for (int i = 0; i < 40 && dead == null; i++) {
            receives += client.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1))
                    .messages()
                    .size();
            List<Message> inDlq = client.receiveMessage(b -> b.queueUrl(dlq)).messages();
            dead = inDlq.isEmpty() ? null : inDlq.get(0);
        }
        assertThat(dead).as("the poison message in the DLQ").isNotNull();
        assertThat(receives).isEqualTo(3);
        return dead;
    }
}
