import dev.cva.contracts.logging.JsonLog;
import dev.cva.processor.ProcessorConfig;
import dev.cva.processor.ProcessorHandler;
import dev.cva.processor.support.Bodies;
import dev.cva.testing.LocalDynamo;
import dev.cva.testing.LocalSqs;
import dev.cva.processor.support.SqsEventSourceMapping;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Correlated records per second through a real SQS batch loop: ElasticMQ FIFO queue (+ FIFO DLQ) -> the processor
 * handler in batches of 10, as Lambda's event source mapping drives it -> DynamoDB Local over HTTP.
 * DynamoDB calls are counted per operation by an SDK ExecutionInterceptor (HTTP attempts counted separately).
 *
 * Usage: java -cp CLASSPATH bench/processor/ProcessorBench.java [pairs=2000] [pollers=1] [responseFirstPercent=50]
 */
public class ProcessorBench {
    static final Map<String, LongAdder> CALLS = new ConcurrentHashMap<>();
    static final LongAdder ATTEMPTS = new LongAdder();

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int pollers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int responseFirstPercent = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
                CALLS.computeIfAbsent(a.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new LongAdder()).increment();
            }

            @Override
            public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
                ATTEMPTS.increment();
            }
        };
        try (LocalDynamo localDynamo = LocalDynamo.start(); LocalSqs localSqs = LocalSqs.start()) {
            var setup = localDynamo.client();
            LocalDynamo.createQueryEventsTable(setup, "bench-query-events");
            LocalDynamo.createAnalyticsTable(setup, "bench-analytics");
            var dynamo = localDynamo.client(counter);
            var sqs = localSqs.client();
            String queueUrl = LocalSqs.createFifoWithDlq(sqs, "bench", 3, 30)[0];

            // enqueue: each pair in its own message group (requestId); responseFirstPercent of them response-first
            Random random = new Random(2026);
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            long t0 = System.currentTimeMillis();
            for (int i = 0; i < pairs; i++) {
                String r = UUID.randomUUID().toString();
                var q = SendMessageBatchRequestEntry.builder().messageGroupId(r).messageDeduplicationId(r + "-query")
                        .messageBody(Bodies.query(r, t0 + i).toString());
                var s = SendMessageBatchRequestEntry.builder().messageGroupId(r).messageDeduplicationId(r + "-response")
                        .messageBody(Bodies.response(r, t0 + i + 1500).toString());
                if (random.nextInt(100) >= responseFirstPercent) {
                    entries.add(q.id("q" + i).build());
                    entries.add(s.id("s" + i).build());
                } else {
                    entries.add(s.id("s" + i).build());
                    entries.add(q.id("q" + i).build());
                }
            }
            long enqueueStart = System.nanoTime();
            for (int i = 0; i < entries.size(); i += 10) {
                var chunk = entries.subList(i, Math.min(i + 10, entries.size()));
                sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk));
            }
            double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;

            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            ProcessorHandler handler = new ProcessorHandler(dynamo,
                    new ProcessorConfig("bench-query-events", "bench-analytics", "eu-west-2", ProcessorConfig.DEFAULT_INTERIM_TTL),
                    Clock.systemUTC(), new JsonLog("processor", quiet, Clock.systemUTC()));

            // warm-up is deliberately not separated: the first batches include JIT and connection set-up, as a cold Lambda would
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(pollers);
            List<SqsEventSourceMapping> mappings = new ArrayList<>();
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < pollers; p++) {
                SqsEventSourceMapping m = new SqsEventSourceMapping(sqs, queueUrl, handler);
                mappings.add(m);
                futures.add(pool.submit(() -> m.drain(600_000)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;

            int records = setup.scan(b -> b.tableName("bench-analytics").select("COUNT")).count();
            int parked = setup.scan(b -> b.tableName("bench-query-events").select("COUNT")).count();
            long invocations = mappings.stream().mapToLong(SqsEventSourceMapping::invocations).sum();
            long failures = mappings.stream().mapToLong(SqsEventSourceMapping::reportedFailures).sum();
            long events = 2L * pairs;
            long calls = CALLS.values().stream().mapToLong(LongAdder::sum).sum();
            Map<String, Long> byOp = new TreeMap<>();
            CALLS.forEach((k, v) -> byOp.put(k, v.sum()));

            System.out.printf("pairs=%d events=%d pollers=%d responseFirst=%d%% cores=%d%n", pairs, events, pollers,
                    responseFirstPercent, Runtime.getRuntime().availableProcessors());
            System.out.printf("enqueue: %.2f s (%.0f msg/s)%n", enqueueSeconds, events / enqueueSeconds);
            System.out.printf("drain:   %.2f s, %d handler invocations (avg batch %.1f), %d reported failures%n",
                    seconds, invocations, (double) events / Math.max(1, invocations), failures);
            System.out.printf("records: %d written, %d interim rows left%n", records, parked);
            System.out.printf("throughput: %.0f correlated records/s, %.0f events/s%n", records / seconds, events / seconds);
            System.out.printf("dynamodb: %d calls = %.2f per event (%d HTTP attempts); by operation %s%n",
                    calls, (double) calls / events, ATTEMPTS.sum(), byOp);
            if (records != pairs || parked != 0) {
                System.out.println("MISMATCH: expected " + pairs + " records and no interim rows");
                System.exit(1);
            }
        }
        System.exit(0); // DynamoDB Local / Pekko leave non-daemon threads behind
    }
}
