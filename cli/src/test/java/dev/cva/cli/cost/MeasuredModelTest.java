package dev.cva.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaContext;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code cost estimate --env local}: the local stack's counts per query, scaled, against hand-computed figures. */
class MeasuredModelTest {
    private static final Map<String, Integer> MEMORY =
            Map.of("processor", 512, "notifier", 512, "reporter", 512, "receiver", 512);

    /** 200 events (100 queries) on the stack; every figure below is worked out by hand from these counts. */
    static final String METRICS = """
            {"since": "2026-12-02T22:00:00Z", "seconds": 60,
             "functions": {"basis": "measured", "byName": {
               "processor": {"memoryMb": 1024, "invocations": 120, "billedMs": 6000},
               "notifier": {"memoryMb": 512, "invocations": 60, "billedMs": 12000},
               "reporter": {"memoryMb": 512, "invocations": 0, "billedMs": 0}}},
             "sqs": {"receiveCalls": 170, "emptyReceives": 50, "messagesReceived": 200, "deleteCalls": 110, "messagesDeleted": 200},
             "stream": {"getRecordsCalls": 600},
             "logs": {"processor": {"parked": 25, "completed": 100}, "receiver": {"webhookRequests": 100, "ok": 100, "billedMs": 20000}},
             "dynamodb": {"writeUnits": 150, "readUnits": 25},
             "firestore": {"writes": 200},
             "webhooks": {"calls": 100}}
            """;

    private static MeasuredModel model() throws Exception {
        PriceBook book = PriceBook.shipped();
        MeasuredModel.Counts c = MeasuredModel.Counts.from(CvaContext.json().readTree(METRICS));
        return new MeasuredModel(new CallModel(book, MEMORY, "x86_64"), book, c, new BigDecimal("0.333"), 512);
    }

    @Test
    void readsTheCountsOfTheMetricsRoute() throws Exception {
        MeasuredModel.Counts c = MeasuredModel.Counts.from(CvaContext.json().readTree(METRICS));
        assertThat(c.eventsProcessed()).isEqualTo(200);
        assertThat(c.receivesWithMessages()).isEqualTo(120); // 170 calls - 50 empty
        assertThat(c.functions().get("processor")).isEqualTo(new MeasuredModel.Fn(120, 6000, 1024));
        assertThat(model().measuredQueries()).isEqualByComparingTo("100"); // 200 events / 2 per query
    }

    @Test
    void scalesEachCountPerQueryToTheLoad() throws Exception {
        List<Usage> u = model().usage(new BigDecimal("1000000"));
        // processor SQS: (120 receives + 110 deletes) / 100 queries x 1 M + 648,000 modelled idle polls
        assertThat(q(u, "processor", "aws.sqs.fifo.requests")).isEqualByComparingTo("2948000");
        // the chatbot's sends stay the model's 2 a query
        assertThat(q(u, "queue", "aws.sqs.fifo.requests")).isEqualByComparingTo("2000000");
        // Lambda: processor 1.2 and notifier 0.6 invocations a query; the reporter's 5 a month from the model
        assertThat(q(u, "processor", "aws.lambda.requests")).isEqualByComparingTo("1200000");
        assertThat(q(u, "notifier", "aws.lambda.requests")).isEqualByComparingTo("600000");
        assertThat(q(u, "reporter", "aws.lambda.requests")).isEqualByComparingTo("5");
        // GB-s: processor 6 s x 1 GB / 100 = 0.06 a query; notifier 12 s x 0.5 GB / 100 = 0.06 a query
        assertThat(q(u, "processor", "aws.lambda.gbs.x86_64")).isEqualByComparingTo("60000");
        assertThat(q(u, "notifier", "aws.lambda.gbs.x86_64")).isEqualByComparingTo("60000");
        // DynamoDB: 1.5 WRU and 0.25 RRU a query (the reporter's 0.125 RRU a record stays the model's)
        assertThat(q(u, "processor", "aws.dynamodb.wru")).isEqualByComparingTo("1500000");
        assertThat(q(u, "processor", "aws.dynamodb.rru")).isEqualByComparingTo("250000");
        assertThat(q(u, "reporter", "aws.dynamodb.rru")).isEqualByComparingTo("125000");
        // receiver: 1 request a query, 0.2 billed s each: x 0.333 vCPU, x 0.5 GiB; 2 Firestore writes a query
        assertThat(q(u, "receiver", "gcp.run.requests")).isEqualByComparingTo("1000000");
        assertThat(q(u, "receiver", "gcp.run.vcpu")).isEqualByComparingTo("66600");
        assertThat(q(u, "receiver", "gcp.run.memory")).isEqualByComparingTo("100000");
        assertThat(q(u, "receiver", "gcp.firestore.writes")).isEqualByComparingTo("2000000");
        assertThat(basis(u, "processor", "aws.dynamodb.wru")).isEqualTo("derived");
        assertThat(basis(u, "processor", "aws.lambda.requests")).isEqualTo("measured");
        assertThat(basis(u, "receiver", "gcp.run.requests")).isEqualTo("counted");
        assertThat(basis(u, "dashboard", "gcp.firestore.reads")).isEqualTo("model");
    }

    @Test
    void pricesTheMeasuredUsageAndSaysWhatItRestsOn() throws Exception {
        Estimator.Estimate e = new Estimator(PriceBook.shipped(), model()).estimate(1_000_000, Fx.USD, By.service);
        assertThat(e.measured().events()).isEqualTo(200);
        // 200 events in 60 s
        assertThat(CostRender.json(e, Fx.USD).get("measured").toString()).contains("eventsPerSecond=3.33");
        assertThat(e.measured().perQuery()).anySatisfy(p -> {
            assertThat(p.priceId()).isEqualTo("aws.lambda.requests");
            assertThat(p.service()).isEqualTo("processor");
            assertThat(p.perQuery()).isEqualByComparingTo("1.2");
        });
        // Lambda requests: 1.8 M + 5 - 1 M free = 800,005 billable at $0.20 per million
        BigDecimal lambda = e.lines().stream()
                .filter(l -> l.priceId().equals("aws.lambda.requests"))
                .map(Pricing.Line::usd)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(lambda.setScale(9, java.math.RoundingMode.HALF_EVEN))
                .isEqualByComparingTo("0.160001"); // DECIMAL64 shares
    }

    @Test
    void noEventsNothingToDivideBy() throws Exception {
        MeasuredModel.Counts c =
                MeasuredModel.Counts.from(CvaContext.json().readTree("{\"since\": \"x\", \"sqs\": {}}"));
        assertThatThrownBy(() -> new MeasuredModel(
                        new CallModel(PriceBook.shipped(), MEMORY, "x86_64"),
                        PriceBook.shipped(),
                        c,
                        BigDecimal.ONE,
                        512))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no events");
    }

    private static BigDecimal q(List<Usage> u, String service, String priceId) {
        return u.stream()
                .filter(x -> x.service().equals(service) && x.priceId().equals(priceId))
                .map(Usage::quantity)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static String basis(List<Usage> u, String service, String priceId) {
        return u.stream()
                .filter(x -> x.service().equals(service) && x.priceId().equals(priceId))
                .findFirst()
                .orElseThrow()
                .basis();
    }
}
