package dev.cva.cli.cost;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cva cost estimate --env local}: the call model with every count the running local stack can give replaced
 * by that count per query (the stack's {@code GET /metrics}, divided by the queries it processed: events deleted
 * from the queue over the price book's events per query), scaled to the asked load. Each line keeps its basis:
 * {@code measured} (the stack's own counters), {@code counted} (the services' JSON logs), {@code derived} (counts
 * times the code's calls per outcome) or {@code model} (the price book, where the stack cannot tell: the chatbot's
 * sends, idle polls, dashboard reads, the weekly reporter, logs, secrets, storage).
 */
public final class MeasuredModel implements UsageModel {
    public static final String MEASURED = "measured";
    public static final String COUNTED = "counted";
    public static final String DERIVED = "derived";
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal MIB_PER_GB = BigDecimal.valueOf(1024);

    /** One function's invocations, billed ms and memory since the baseline. */
    public record Fn(long invocations, long billedMs, int memoryMb) {}

    /** The counts of {@code GET /metrics} this model uses. */
    public record Counts(
            String since,
            double seconds,
            long eventsProcessed,
            long recordsCompleted,
            Map<String, Fn> functions,
            long receivesWithMessages,
            long emptyReceives,
            long deleteCalls,
            long getRecordsCalls,
            long webhookCalls,
            long receiverBilledMs,
            long dynamoWriteUnits,
            long dynamoReadUnits,
            long firestoreWrites) {

        public static Counts from(JsonNode m) {
            Map<String, Fn> fns = new LinkedHashMap<>();
            m.path("functions")
                    .path("byName")
                    .fields()
                    .forEachRemaining(e -> fns.put(
                            e.getKey(),
                            new Fn(
                                    e.getValue().path("invocations").asLong(),
                                    e.getValue().path("billedMs").asLong(),
                                    e.getValue().path("memoryMb").asInt(512))));
            JsonNode sqs = m.path("sqs");
            JsonNode logs = m.path("logs");
            return new Counts(
                    m.path("since").asText(),
                    m.path("seconds").asDouble(),
                    sqs.path("messagesDeleted").asLong(),
                    logs.path("processor").path("completed").asLong(),
                    fns,
                    sqs.path("receiveCalls").asLong()
                            - sqs.path("emptyReceives").asLong(),
                    sqs.path("emptyReceives").asLong(),
                    sqs.path("deleteCalls").asLong(),
                    m.path("stream").path("getRecordsCalls").asLong(),
                    m.path("webhooks").path("calls").asLong(),
                    logs.path("receiver").path("billedMs").asLong(),
                    m.path("dynamodb").path("writeUnits").asLong(),
                    m.path("dynamodb").path("readUnits").asLong(),
                    m.path("firestore").path("writes").asLong());
        }
    }

    /** One measured quantity per query, for the report. */
    public record PerQuery(String service, String priceId, BigDecimal perQuery, String basis, String what) {}

    /** What the estimate rests on: the window, the events and queries in it, and each replaced count per query. */
    public record Summary(
            String since,
            double seconds,
            long events,
            BigDecimal queries,
            long recordsCompleted,
            List<PerQuery> perQuery) {}

    private record Replacement(BigDecimal perQuery, BigDecimal fixed, String basis, String what) {}

    private final UsageModel model;
    private final Counts counts;
    private final BigDecimal queries;
    private final Map<String, Replacement> replacements = new LinkedHashMap<>();

    /**
     * @param model         the price book's call model, for what the stack does not count
     * @param receiverVcpu  the receiver's vCPU share (the price book's {@code receiverVcpu})
     * @param receiverMb    the receiver's memory (cva.yaml)
     * @throws IllegalStateException when the stack processed no events since its baseline
     */
    public MeasuredModel(UsageModel model, PriceBook book, Counts c, BigDecimal receiverVcpu, int receiverMb) {
        if (c.eventsProcessed() <= 0) {
            throw new IllegalStateException("the local stack processed no events since " + c.since());
        }
        this.model = model;
        this.counts = c;
        this.queries = BigDecimal.valueOf(c.eventsProcessed()).divide(book.param("eventsPerQuery"), PriceBook.MC);
        put(
                "processor",
                "aws.sqs.fifo.requests",
                c.receivesWithMessages() + c.deleteCalls(),
                book.param("sqsIdlePollsPerMonth"),
                MEASURED,
                "ReceiveMessage calls that returned messages + DeleteMessageBatch calls (idle polls: model)");
        fn("processor", c.functions().get("processor"));
        put(
                "processor",
                "aws.dynamodb.wru",
                c.dynamoWriteUnits(),
                DERIVED,
                "write units from the processor's outcomes");
        put("processor", "aws.dynamodb.rru", c.dynamoReadUnits(), DERIVED, "read units from the processor's outcomes");
        fn("notifier", c.functions().get("notifier"));
        put("receiver", "gcp.run.requests", c.webhookCalls(), COUNTED, "webhook POSTs the receiver logged");
        BigDecimal billedSeconds = BigDecimal.valueOf(c.receiverBilledMs()).divide(THOUSAND, PriceBook.MC);
        put(
                "receiver",
                "gcp.run.vcpu",
                billedSeconds.multiply(receiverVcpu),
                BigDecimal.ZERO,
                COUNTED,
                "request time rounded up to 100 ms x vCPU");
        put(
                "receiver",
                "gcp.run.memory",
                billedSeconds.multiply(gb(receiverMb)),
                BigDecimal.ZERO,
                COUNTED,
                "request time rounded up to 100 ms x GiB");
        put("receiver", "gcp.firestore.writes", c.firestoreWrites(), DERIVED, "2 writes per stored record");
    }

    private static BigDecimal gb(int mb) {
        return BigDecimal.valueOf(mb).divide(MIB_PER_GB, PriceBook.MC);
    }

    private void fn(String service, Fn f) {
        if (f == null) {
            return;
        }
        put(service, "aws.lambda.requests", f.invocations(), MEASURED, "invocations");
        BigDecimal gbs =
                BigDecimal.valueOf(f.billedMs()).divide(THOUSAND, PriceBook.MC).multiply(gb(f.memoryMb()));
        put(service, "aws.lambda.gbs", gbs, BigDecimal.ZERO, MEASURED, "billed duration x memory (GB-s)");
    }

    private void put(String service, String priceId, long total, String basis, String what) {
        put(service, priceId, BigDecimal.valueOf(total), BigDecimal.ZERO, basis, what);
    }

    private void put(String service, String priceId, long total, BigDecimal fixed, String basis, String what) {
        put(service, priceId, BigDecimal.valueOf(total), fixed, basis, what);
    }

    private void put(String service, String priceId, BigDecimal total, BigDecimal fixed, String basis, String what) {
        replacements.put(
                service + "|" + priceId, new Replacement(total.divide(queries, PriceBook.MC), fixed, basis, what));
    }

    /** The queries the stack processed: events deleted from the queue over the events per query. */
    public BigDecimal measuredQueries() {
        return queries;
    }

    @Override
    public List<Usage> usage(BigDecimal q) {
        List<Usage> out = new ArrayList<>();
        for (Usage u : model.usage(q)) {
            String id = u.priceId().startsWith("aws.lambda.gbs.") ? "aws.lambda.gbs" : u.priceId();
            Replacement r = replacements.get(u.service() + "|" + id);
            out.add(
                    r == null
                            ? u
                            : new Usage(
                                    u.service(),
                                    u.priceId(),
                                    r.perQuery().multiply(q).add(r.fixed()),
                                    r.basis()));
        }
        return out;
    }

    public Summary summary() {
        List<PerQuery> per = new ArrayList<>();
        replacements.forEach((k, r) -> {
            int bar = k.indexOf('|');
            per.add(new PerQuery(k.substring(0, bar), k.substring(bar + 1), r.perQuery(), r.basis(), r.what()));
        });
        return new Summary(
                counts.since(), counts.seconds(), counts.eventsProcessed(), queries, counts.recordsCompleted(), per);
    }
}
