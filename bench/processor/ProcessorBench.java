import dev.cva.contracts.logging.JsonLog;
import dev.cva.local.LocalSqs;
import dev.cva.local.Moto;
import dev.cva.local.Tables;
import dev.cva.local.lambda.EventSource;
import dev.cva.local.lambda.HandlerInvoker;
import dev.cva.local.lambda.SqsMapping;
import dev.cva.processor.ProcessorConfig;
import dev.cva.processor.ProcessorHandler;
import dev.cva.processor.support.Bodies;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
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
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The processor through a real SQS batch loop: ElasticMQ FIFO queue -> the handler in batches of 10, driven by the
 * local runtime's SQS mapping with the cva.yaml settings -> moto's DynamoDB over HTTP. Two runs in one process:
 * "together" (each conversation's halves enqueued next to each other, so they share a batch, as the chatbot sends
 * them) and "apart" (every query first, then every response: each half in a different batch, the worst case).
 * DynamoDB calls are counted per operation by an SDK ExecutionInterceptor; write and read units follow from them
 * (items are under 1 KB: 1 WRU per write, a failed conditional write included; 1 RRU per strongly consistent read).
 *
 * Usage: java -cp CLASSPATH bench/processor/ProcessorBench.java [pairs=1000] [responseFirstPercent=10]
 */
public class ProcessorBench {
    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int responseFirstPercent = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        EventSource settings = EventSource.fromRepository("processor", EventSource.SQS_DEFAULTS);
        System.out.printf("pairs=%d events=%d responseFirst=%d%% batch=%d concurrency=%d cores=%d%n", pairs, 2 * pairs,
                responseFirstPercent, settings.batchSize(), settings.maximumConcurrency(),
                Runtime.getRuntime().availableProcessors());
        try (Moto moto = Moto.shared(); LocalSqs localSqs = LocalSqs.start()) {
            for (String mode : List.of("together", "apart")) {
                run(mode, pairs, responseFirstPercent, settings, moto, localSqs);
            }
        }
        System.exit(0); // Pekko leaves non-daemon threads behind
    }

    static void run(String mode, int pairs, int responseFirstPercent, EventSource settings, Moto moto, LocalSqs localSqs)
            throws Exception {
        Map<String, LongAdder> calls = new ConcurrentHashMap<>();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
                calls.computeIfAbsent(a.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new LongAdder()).increment();
            }
        };
        String suffix = mode + "-" + UUID.randomUUID().toString().substring(0, 6);
        var setup = moto.dynamo();
        Tables.createQueryEvents(setup, "bench-query-events-" + suffix);
        Tables.createAnalytics(setup, "bench-analytics-" + suffix);
        var dynamo = moto.dynamo(counter);
        var sqs = localSqs.client();
        String queueUrl = LocalSqs.createFifoWithDlq(sqs, "bench-" + suffix, 3, 30)[0];

        Random random = new Random(2026);
        List<SendMessageBatchRequestEntry> queries = new ArrayList<>();
        List<SendMessageBatchRequestEntry> responses = new ArrayList<>();
        List<SendMessageBatchRequestEntry> together = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        for (int i = 0; i < pairs; i++) {
            String r = UUID.randomUUID().toString();
            var q = SendMessageBatchRequestEntry.builder().messageGroupId(r).messageDeduplicationId(r + "-query")
                    .messageBody(Bodies.query(r, t0 + i).toString()).id("q" + i).build();
            var s = SendMessageBatchRequestEntry.builder().messageGroupId(r).messageDeduplicationId(r + "-response")
                    .messageBody(Bodies.response(r, t0 + i + 1500).toString()).id("s" + i).build();
            boolean responseFirst = random.nextInt(100) < responseFirstPercent;
            together.add(responseFirst ? s : q);
            together.add(responseFirst ? q : s);
            (responseFirst ? responses : queries).add(responseFirst ? s : q);
            (responseFirst ? queries : responses).add(responseFirst ? q : s);
        }
        // "apart": every first half is processed before any second half is sent (a FIFO receive hands out a group's
        // waiting messages together, so enqueueing both at once would put them in one batch)
        List<List<SendMessageBatchRequestEntry>> phases = mode.equals("together") ? List.of(together) : List.of(queries, responses);

        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        ProcessorHandler handler = new ProcessorHandler(dynamo,
                new ProcessorConfig("bench-query-events-" + suffix, "bench-analytics-" + suffix, "eu-west-2",
                        ProcessorConfig.DEFAULT_INTERIM_TTL),
                Clock.systemUTC(), new JsonLog("processor", quiet, Clock.systemUTC()));
        HandlerInvoker<SQSEvent, SQSBatchResponse> invoker = new HandlerInvoker<>("processor", handler, SQSEvent.class,
                SQSBatchResponse.class, settings.maximumConcurrency());
        long start = System.nanoTime();
        SqsMapping mapping = new SqsMapping(sqs, queueUrl, "eu-west-2", invoker, settings, m -> {}).start();
        long events = 2L * pairs;
        long sent = 0;
        for (List<SendMessageBatchRequestEntry> phase : phases) {
            for (int i = 0; i < phase.size(); i += 10) {
                var chunk = phase.subList(i, Math.min(i + 10, phase.size()));
                sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk));
            }
            sent += phase.size();
            while (mapping.deleted() < sent && System.nanoTime() - start < 600e9) {
                Thread.sleep(20);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        mapping.close();

        int records = setup.scan(b -> b.tableName("bench-analytics-" + suffix).select("COUNT")).count();
        int parked = setup.scan(b -> b.tableName("bench-query-events-" + suffix).select("COUNT")).count();
        Map<String, Long> byOp = new TreeMap<>();
        calls.forEach((k, v) -> byOp.put(k, v.sum()));
        long total = byOp.values().stream().mapToLong(Long::longValue).sum();
        long writes = byOp.getOrDefault("PutItem", 0L) + byOp.getOrDefault("DeleteItem", 0L);
        long reads = byOp.getOrDefault("GetItem", 0L);
        System.out.printf("%-8s %.1f s, %d invocations (avg batch %.1f): %.0f records/s, %.0f events/s; "
                        + "%d records, %d interim rows left%n", mode, seconds, mapping.invocations(),
                (double) events / Math.max(1, mapping.invocations()), records / seconds, events / seconds, records, parked);
        System.out.printf("         dynamodb %.2f calls/event (%s), %.2f WRU and %.2f RRU per event%n",
                (double) total / events, byOp, (double) writes / events, (double) reads / events);
        if (records != pairs || parked != 0) {
            System.out.println("MISMATCH: expected " + pairs + " records and no interim rows");
            System.exit(1);
        }
    }
}
