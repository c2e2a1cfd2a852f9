import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Raw rates of the stand-ins of a running local stack for the calls the pipeline makes, with 1 and 4 threads, through
 * the same SDK clients the services use: ElasticMQ (SendMessageBatch of 10, ReceiveMessage of 10 + DeleteMessageBatch),
 * moto (conditional PutItem, GetItem, GetRecords) and the Firestore emulator (a commit of one create plus one counter
 * increment, the receiver's write, over REST). Works on a scratch queue, table and collection of its own.
 *
 * Usage: java -cp 'cli/target/lib/*' bench/standins/StandinBench.java "$(cva local env --shell json)" [seconds=5]
 */
public class StandinBench {
    interface Call { void run(int thread, int i) throws Exception; }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void run(String[] args) throws Exception {
        JsonNode env = new ObjectMapper().readTree(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Region region = Region.of(env.path("AWS_REGION").asText());
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
        SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(env.path("AWS_ENDPOINT_URL_SQS").asText()))
                .region(region).credentialsProvider(creds).httpClient(UrlConnectionHttpClient.create()).build();
        DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create(env.path("AWS_ENDPOINT_URL_DYNAMODB").asText()))
                .region(region).credentialsProvider(creds).httpClient(UrlConnectionHttpClient.create()).build();
        DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder()
                .endpointOverride(URI.create(env.path("AWS_ENDPOINT_URL_DYNAMODB_STREAMS").asText()))
                .region(region).credentialsProvider(creds).httpClient(UrlConnectionHttpClient.create()).build();
        String firestore = "http://" + env.path("FIRESTORE_EMULATOR_HOST").asText() + "/v1/projects/"
                + env.path("GOOGLE_CLOUD_PROJECT").asText() + "/databases/(default)/documents";
        HttpClient http = HttpClient.newHttpClient();

        String tag = UUID.randomUUID().toString().substring(0, 6);
        String queue = sqs.createQueue(b -> b.queueName("bench-" + tag + ".fifo")
                .attributes(Map.of(software.amazon.awssdk.services.sqs.model.QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        String table = "bench-" + tag;
        dynamo.createTable(b -> b.tableName(table).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("requestId").attributeType("S"))
                .keySchema(k -> k.attributeName("requestId").keyType("HASH"))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_IMAGE")));
        String streamArn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        String shard = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards().get(0).shardId();

        System.out.printf("stand-in raw rates, %d s per figure, 2 cores shared with the running stack%n", seconds);
        for (int threads : new int[] {1, 4}) {
            String run = tag + "-" + threads;
            AtomicInteger seq = new AtomicInteger();
            report("elasticmq SendMessageBatch(10)", threads, seconds, 10, (t, i) -> {
                List<SendMessageBatchRequestEntry> e = new ArrayList<>();
                for (int k = 0; k < 10; k++) {
                    int n = seq.incrementAndGet();
                    e.add(SendMessageBatchRequestEntry.builder().id("m" + k).messageBody("{\"n\":" + n + "}")
                            .messageGroupId("g" + (n % 100)).messageDeduplicationId(tag + n).build());
                }
                sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(e));
            });
            report("elasticmq Receive(10)+DeleteBatch", threads, seconds, 10, (t, i) -> {
                var got = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages();
                if (!got.isEmpty()) {
                    List<software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry> d = new ArrayList<>();
                    for (int k = 0; k < got.size(); k++) {
                        d.add(software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry.builder()
                                .id("d" + k).receiptHandle(got.get(k).receiptHandle()).build());
                    }
                    sqs.deleteMessageBatch(b -> b.queueUrl(queue).entries(d));
                }
            });
            report("moto PutItem (conditional)", threads, seconds, 1, (t, i) -> dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of("requestId", AttributeValue.fromS(run + "-" + t + "-" + i),
                            "query", AttributeValue.fromS("Has Dan worked with Kubernetes in production?")))
                    .conditionExpression("attribute_not_exists(requestId)")));
            report("moto GetItem (consistent)", threads, seconds, 1, (t, i) -> dynamo.getItem(b -> b.tableName(table)
                    .key(Map.of("requestId", AttributeValue.fromS(run + "-" + t + "-" + i))).consistentRead(true)));
            report("moto GetRecords(100)", threads, seconds, 1, (t, i) -> {
                String it = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard)
                        .shardIteratorType("TRIM_HORIZON")).shardIterator();
                streams.getRecords(b -> b.shardIterator(it).limit(100));
            });
            report("firestore commit (create + increment)", threads, seconds, 1, (t, i) -> {
                String id = run + "-" + t + "-" + i;
                String body = "{\"writes\":[{\"update\":{\"name\":\"projects/" + env.path("GOOGLE_CLOUD_PROJECT").asText()
                        + "/databases/(default)/documents/bench-" + tag + "/" + id + "\",\"fields\":{\"n\":{\"integerValue\":\"1\"}}},"
                        + "\"currentDocument\":{\"exists\":false}},{\"transform\":{\"document\":\"projects/"
                        + env.path("GOOGLE_CLOUD_PROJECT").asText() + "/databases/(default)/documents/bench-stats-" + tag
                        + "/s" + (i % 8) + "\",\"fieldTransforms\":[{\"fieldPath\":\"total\",\"increment\":{\"integerValue\":\"1\"}}]}}]}";
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(firestore + ":commit"))
                        .header("Authorization", "Bearer owner").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(r.statusCode() + " " + r.body());
                }
            });
        }
        sqs.deleteQueue(b -> b.queueUrl(queue));
        dynamo.deleteTable(b -> b.tableName(table));
    }

    /** Runs {@code call} on {@code threads} threads for {@code seconds}; prints calls/s (and items/s). */
    static void report(String name, int threads, int seconds, int itemsPerCall, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger calls = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            fs.add(pool.submit(() -> {
                for (int i = 0; System.nanoTime() < deadline; i++) {
                    call.run(thread, i);
                    calls.incrementAndGet();
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("  %-40s %d thread%s: %7.0f calls/s%s%n", name, threads, threads == 1 ? " " : "s",
                calls.get() / s, itemsPerCall > 1 ? String.format(" (%.0f messages/s)", calls.get() * itemsPerCall / s) : "");
    }
}
