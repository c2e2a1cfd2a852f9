package dev.cva.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The price-book arithmetic against hand-computed cases, free-tier boundaries included. */
class CostPricingTest {
    /** A small book: every figure below is computed by hand from these prices. */
    static final String BOOK = """
            version: test
            currency: USD
            regions: {aws: eu-west-2, gcp: europe-west2}
            prices:
              aws.lambda.requests: {product: AWS Lambda, description: r, unit: requests, usd: "0.20", per: 1000000, source: s, read: 2026-12-02, checked: true}
              aws.sqs.standard.requests: {product: SQS, description: s, unit: requests, usd: "0.40", per: 1000000, source: s, read: 2026-12-02, checked: true}
              aws.sqs.fifo.requests: {product: SQS, description: f, unit: requests, usd: "0.50", per: 1000000, source: s, read: 2026-12-02, checked: false}
              gcp.firestore.writes: {product: Cloud Firestore, description: w, unit: writes, usd: "0.115", per: 100000, source: s, read: 2026-12-02, checked: true}
            firestoreLocations: {}
            freeTiers:
              - {id: lambda, prices: [aws.lambda.requests], amount: 1000000, period: month, kind: always free}
              - {id: sqs, prices: [aws.sqs.standard.requests, aws.sqs.fifo.requests], amount: 1000000, period: month, kind: always free}
              - {id: writes, prices: [gcp.firestore.writes], amount: 20000, period: day, kind: daily}
            model: {daysPerMonth: "30"}
            claims: []
            """;

    static PriceBook book() throws Exception {
        return PriceBook.parse(new ByteArrayInputStream(BOOK.getBytes(StandardCharsets.UTF_8)));
    }

    static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    @Test
    void readsAmountsAsExactDecimals() throws Exception {
        PriceBook b = book();
        assertThat(b.price("aws.lambda.requests").unitPrice()).isEqualByComparingTo("0.0000002");
        assertThat(b.price("gcp.firestore.writes").unitPrice()).isEqualByComparingTo("0.00000115");
        assertThat(b.price("aws.lambda.requests").read()).isEqualTo(LocalDate.of(2026, 12, 2));
        assertThat(b.unchecked()).isEqualTo(1);
    }

    @Test
    void freeTierIsFreeUpToItsBoundaryAndBilledOneUnitPast() throws Exception {
        Pricing p = new Pricing(book());
        assertThat(p.price(List.of(new Usage("a", "aws.lambda.requests", d("1000000"))))
                        .totalUsd())
                .isEqualByComparingTo("0");
        // one request past the allowance: 0.20 / 1,000,000
        assertThat(p.price(List.of(new Usage("a", "aws.lambda.requests", d("1000001"))))
                        .totalUsd())
                .isEqualByComparingTo("0.0000002");
        Pricing.Priced at = p.price(List.of(new Usage("a", "aws.lambda.requests", d("1000000"))));
        assertThat(at.freeTiers().get(0).percent()).isEqualByComparingTo("100");
    }

    @Test
    void allowanceIsSharedAcrossServicesAndTheBillableRestSplitByUse() throws Exception {
        Pricing.Priced r = new Pricing(book())
                .price(List.of(
                        new Usage("processor", "aws.lambda.requests", d("600000")),
                        new Usage("notifier", "aws.lambda.requests", d("600000"))));
        // 1.2 M requests, 1 M free: 200,000 x 0.0000002 = 0.04, half each
        assertThat(r.totalUsd()).isEqualByComparingTo("0.04");
        assertThat(r.lines().get(0).usd()).isEqualByComparingTo("0.02");
        assertThat(r.lines().get(1).usd()).isEqualByComparingTo("0.02");
        assertThat(r.freeTiers().get(0).used()).isEqualByComparingTo("1200000");
        assertThat(r.freeTiers().get(0).percent()).isEqualByComparingTo("120");
    }

    @Test
    void oneAllowanceOverTwoMetersIsUsedInBookOrder() throws Exception {
        Pricing.Priced r = new Pricing(book())
                .price(List.of(
                        new Usage("q", "aws.sqs.fifo.requests", d("900000")),
                        new Usage("dlq", "aws.sqs.standard.requests", d("300000"))));
        // standard first: 300,000 free; 700,000 left for FIFO: 200,000 x 0.0000005 = 0.10
        assertThat(r.totalUsd()).isEqualByComparingTo("0.10");
        assertThat(r.lines().get(1).billable()).isEqualByComparingTo("0");
    }

    @Test
    void dailyQuotaCountsOverTheMonthsDays() throws Exception {
        Pricing p = new Pricing(book());
        // 20,000 a day x 30 days = 600,000 free; 650,000 writes: 50,000 x 0.00000115 = 0.0575
        assertThat(p.price(List.of(new Usage("r", "gcp.firestore.writes", d("650000"))))
                        .totalUsd())
                .isEqualByComparingTo("0.0575");
        assertThat(p.price(List.of(new Usage("r", "gcp.firestore.writes", d("600000"))))
                        .totalUsd())
                .isEqualByComparingTo("0");
    }

    @Test
    void conversionAndRoundingHappenAtTheEnd() {
        Fx gbp = new Fx("GBP", d("0.79"), LocalDate.of(2026, 11, 30));
        assertThat(gbp.fromUsd(d("0.04"))).isEqualByComparingTo("0.0316");
        assertThat(Fx.display(gbp.fromUsd(d("0.04")))).isEqualTo(d("0.03"));
        // half-even: 0.125 -> 0.12, 0.135 -> 0.14
        assertThat(Fx.display(d("0.125"))).isEqualTo(d("0.12"));
        assertThat(Fx.display(d("0.135"))).isEqualTo(d("0.14"));
        assertThat(gbp.describe()).isEqualTo("1 USD = 0.79 GBP (rate of 2026-11-30)");
    }

    @Test
    void loadAtWhichAFreeTierRunsOut() {
        // fixed 648,000 idle polls + 4 requests a query: (1,000,000 - 648,000) / 4 = 88,000 queries
        assertThat(Estimator.runsOut(d("1000000"), d("648000"), d("4648000"))).isEqualTo(88_000L);
        assertThat(Estimator.runsOut(d("1000000"), d("1000000"), d("5000000"))).isZero();
        assertThat(Estimator.runsOut(d("1000000"), d("2"), d("2"))).isNull();
    }

    @Test
    void shippedModelCountsTheCallsOfOneMillionQueries() {
        PriceBook shipped = PriceBook.shipped();
        CallModel model = new CallModel(
                shipped, Map.of("processor", 512, "notifier", 512, "reporter", 512, "receiver", 512), "x86_64");
        List<Usage> u = model.usage(d("1000000"));
        // SQS FIFO: 2 M sends + (2 M events / 2 a batch) x (1 receive + 1 delete) + 648,000 idle polls
        assertThat(sum(u, "aws.sqs.fifo.requests")).isEqualByComparingTo("4648000");
        // Lambda: 1 M processor batches + 0.5 M notifier batches + 5 reports
        assertThat(sum(u, "aws.lambda.requests")).isEqualByComparingTo("1500005");
        // processor 1 M x 50 ms x 0.5 GB = 25,000 GB-s; notifier (0.5 M x 20 ms + 1 M x 120 ms) x 0.5 = 65,000;
        // reporter 5 x 3 s x 0.5 = 7.5
        assertThat(sum(u, "aws.lambda.gbs.x86_64")).isEqualByComparingTo("90007.5");
        // DynamoDB: half paired (1 write), half parked (3 writes): 2 WRU a query
        assertThat(sum(u, "aws.dynamodb.wru")).isEqualByComparingTo("2000000");
        // Firestore: 2 writes a record; 1 listener reading 2 docs a record + 15,000 page-load reads
        assertThat(sum(u, "gcp.firestore.writes")).isEqualByComparingTo("2000000");
        assertThat(sum(u, "gcp.firestore.reads")).isEqualByComparingTo("2015000");
    }

    @Test
    void everyShippedPriceNamesItsSourceAndDate() {
        PriceBook shipped = PriceBook.shipped();
        assertThat(shipped.prices()).isNotEmpty();
        shipped.prices().forEach((id, p) -> {
            assertThat(p.source()).as(id).startsWith("https://");
            assertThat(p.read()).as(id).isNotNull();
            assertThat(p.usd().signum()).as(id).isPositive();
        });
        for (PriceBook.FreeTier t : shipped.freeTiers()) {
            for (String id : t.prices()) {
                assertThat(shipped.prices()).as(t.id()).containsKey(id);
            }
        }
        assertThat(shipped.price("gcp.firestore.writes").usd()).isEqualByComparingTo("0.115");
        assertThat(shipped.withFirestoreLocation("us-central1")
                        .price("gcp.firestore.writes")
                        .usd())
                .isEqualByComparingTo("0.09");
    }

    private static BigDecimal sum(List<Usage> u, String priceId) {
        return u.stream()
                .filter(x -> x.priceId().equals(priceId))
                .map(Usage::quantity)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
