import dev.cva.cli.Cva;
import dev.cva.cli.CvaContext;
import dev.cva.cli.stackclient.LocalState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * replay-dlq throughput against ElasticMQ in this JVM: a DLQ of N messages replayed by a naive one-at-a-time
 * receive/send/delete loop, then (refilled) by 'cva replay-dlq --execute' run in-process, for a standard and a FIFO
 * DLQ (G groups). Prints messages per second, the ratio, and whether the order within each group was kept.
 * Usage: java -cp ... ReplayBench.java [messages=10000] [groups=100] [workers=8]
 */
public class ReplayBench {
    static SqsClient sqs;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int groups = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        String workers = args.length > 2 ? args[2] : "8";
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().withAWSRegion("eu-west-2")
                .withAWSAccountId("000000000000").start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort());
        sqs = SqsClient.builder().endpointOverride(endpoint).region(Region.EU_WEST_2).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
        Path project = Files.createTempDirectory("replay-bench");
        LocalState state = new LocalState(ProcessHandle.current().pid(), System.currentTimeMillis(), true,
                Map.of("sqs", new LocalState.Part("sqs", endpoint.toString(), 0, 0, "bench")), Map.of("region", "eu-west-2"));
        Files.createDirectories(LocalState.file(project).getParent());
        Files.writeString(LocalState.file(project), CvaContext.json().writeValueAsString(state));
        System.out.println("replay-dlq benchmark: " + n + " messages per run, ElasticMQ 1.7.1 in-process, "
                + Runtime.getRuntime().availableProcessors() + " cores, --workers " + workers);
        for (boolean fifo : new boolean[] {false, true}) {
            String suffix = fifo ? ".fifo" : "";
            Map<QueueAttributeName, String> fifoAttr = fifo ? Map.of(QueueAttributeName.FIFO_QUEUE, "true") : Map.of();
            String dlq = sqs.createQueue(b -> b.queueName("bench-dlq" + suffix).attributes(fifoAttr)).queueUrl();
            String arn = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            Map<QueueAttributeName, String> srcAttr = new HashMap<>(fifoAttr);
            srcAttr.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn + "\",\"maxReceiveCount\":\"3\"}");
            String src = sqs.createQueue(b -> b.queueName("bench-source" + suffix).attributes(srcAttr)).queueUrl();

            fill(dlq, n, fifo ? groups : 0);
            long t0 = System.nanoTime();
            long naiveMoved = naive(dlq, src, fifo);
            double naiveRate = naiveMoved / ((System.nanoTime() - t0) / 1e9);
            sqs.purgeQueue(b -> b.queueUrl(src));

            fill(dlq, n, fifo ? groups : 0);
            StringWriter out = new StringWriter(), err = new StringWriter();
            CvaContext ctx = new CvaContext(new PrintWriter(out, true), new PrintWriter(err, true), System.in,
                    Map.of("PATH", System.getenv().getOrDefault("PATH", "")), project, project, Clock.systemUTC(), false);
            t0 = System.nanoTime();
            int code = Cva.run(ctx, "replay-dlq", "-q", "bench-dlq" + suffix, "--execute", "--yes", "--json", "--workers", workers);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long moved = CvaContext.json().readTree(out.toString()).path("moved").asLong();
            if (code != 0 || moved != n) {
                System.out.println("cva replay-dlq exited " + code + ", moved " + moved + "\n" + out + err);
            }
            String order = fifo ? (orderKept(src, n) ? "order kept in every group" : "ORDER BROKEN") : "";
            System.out.printf("%-8s naive loop %7.0f msg/s | cva replay-dlq %7.0f msg/s (%5.2f s) | %4.1fx  %s%n",
                    fifo ? "FIFO" : "standard", naiveRate, moved / seconds, seconds, (moved / seconds) / naiveRate,
                    fifo ? order + " (" + groups + " groups)" : "");
        }
        sqs.close();
        server.stopAndWait();
        System.exit(0);
    }

    static void fill(String url, int n, int groups) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> fs = new ArrayList<>();
        int perGroupBatches = groups == 0 ? 0 : n / groups;
        for (int b0 = 0; b0 < n; b0 += 10) {
            int start = b0;
            // FIFO: one sender per group keeps each group's order; message i belongs to group i % groups.
            if (groups > 0) {
                continue;
            }
            fs.add(pool.submit(() -> send(url, start, Math.min(10, n - start), 0)));
        }
        if (groups > 0) {
            for (int g = 0; g < groups; g++) {
                int group = g;
                fs.add(pool.submit(() -> {
                    for (int s = 0; s < perGroupBatches; s += 10) {
                        List<SendMessageBatchRequestEntry> e = new ArrayList<>();
                        for (int k = s; k < Math.min(perGroupBatches, s + 10); k++) {
                            e.add(SendMessageBatchRequestEntry.builder().id("e" + k).messageGroupId("g" + group)
                                    .messageDeduplicationId("g" + group + "-" + k + "-" + System.nanoTime())
                                    .messageBody("{\"eventType\":\"query\",\"group\":" + group + ",\"seq\":" + k + "}").build());
                        }
                        sqs.sendMessageBatch(b -> b.queueUrl(url).entries(e));
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
    }

    static Void send(String url, int start, int count, int unused) {
        List<SendMessageBatchRequestEntry> e = new ArrayList<>();
        for (int k = start; k < start + count; k++) {
            e.add(SendMessageBatchRequestEntry.builder().id("e" + k).messageBody("{\"eventType\":\"query\",\"seq\":" + k + "}").build());
        }
        sqs.sendMessageBatch(b -> b.queueUrl(url).entries(e));
        return null;
    }

    /** The manual script: one message at a time, receive, send, delete. */
    static long naive(String dlq, String src, boolean fifo) {
        long moved = 0;
        int empty = 0;
        while (empty < 2) {
            List<Message> ms = sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            if (ms.isEmpty()) {
                empty++;
                continue;
            }
            empty = 0;
            Message m = ms.get(0);
            sqs.sendMessage(b -> b.queueUrl(src).messageBody(m.body())
                    .messageGroupId(fifo ? m.attributesAsStrings().get("MessageGroupId") : null)
                    .messageDeduplicationId(fifo ? m.messageId() : null));
            sqs.deleteMessage(b -> b.queueUrl(dlq).receiptHandle(m.receiptHandle()));
            moved++;
        }
        return moved;
    }

    static boolean orderKept(String src, int n) throws Exception {
        Map<String, Integer> last = new HashMap<>();
        boolean ok = true;
        int got = 0, empty = 0;
        while (empty < 2) {
            List<Message> ms = sqs.receiveMessage(b -> b.queueUrl(src).maxNumberOfMessages(10)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            if (ms.isEmpty()) {
                empty++;
                continue;
            }
            empty = 0;
            for (Message m : ms) {
                int seq = CvaContext.json().readTree(m.body()).get("seq").asInt();
                Integer prev = last.put(m.attributesAsStrings().get("MessageGroupId"), seq);
                ok &= prev == null || prev < seq;
                got++;
            }
            List<DeleteMessageBatchRequestEntry> d = new ArrayList<>();
            for (int i = 0; i < ms.size(); i++) {
                d.add(DeleteMessageBatchRequestEntry.builder().id("d" + i).receiptHandle(ms.get(i).receiptHandle()).build());
            }
            sqs.deleteMessageBatch(b -> b.queueUrl(src).entries(d));
        }
        return ok && got == n;
    }
}
