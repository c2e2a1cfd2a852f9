package dev.cva.cli.cost;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cva.cli.CliHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a billing export, GCP's part is a usage-based estimate: the real Cloud Monitoring client against a
 * gRPC fake of ListTimeSeries, priced with the price book, daily Firestore quotas applied per Pacific day. AWS's
 * part (Cost Explorer, the Free Tier API) is a recorded answer behind the real SDK clients.
 */
class CostMonitoringEstimateTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Midnight Pacific (PDT) on 1 November 2026 and on 1 October 2026. */
    static final long NOV = Instant.parse("2026-11-01T07:00:00Z").getEpochSecond();

    @TempDir
    Path dir;

    WireMockServer ce;
    FakeMonitoring monitoring;

    @BeforeEach
    void start() throws Exception {
        ce = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        ce.start();
        ce.stubFor(post(urlPathEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSInsightsIndexService.GetCostAndUsage"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ResultsByTime\":[],\"DimensionValueAttributes\":[]}")));
        ce.stubFor(post(urlPathEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSInsightsIndexService.GetCostForecast"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"Total\":{\"Amount\":\"0\",\"Unit\":\"USD\"}}")));
        // a recorded GetFreeTierUsage answer (AWS JSON 1.0): the account's Lambda requests this month
        ce.stubFor(post(urlPathEqualTo("/"))
                .withHeader("X-Amz-Target", containing("GetFreeTierUsage"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("""
                        {"freeTierUsages":[{"service":"AWS Lambda","operation":"Invoke","usageType":"EUW2-Request",
                          "region":"global","actualUsageAmount":400000.0,"forecastedUsageAmount":1200000.0,
                          "limit":1000000.0,"unit":"Requests","description":"1,000,000 free requests per month for AWS Lambda",
                          "freeTierType":"Always Free"}]}""")));
        System.setProperty("aws.endpointUrlCostExplorer", ce.baseUrl());
        System.setProperty("aws.endpointUrlFreeTier", ce.baseUrl());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        monitoring = new FakeMonitoring();
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), dir.resolve("cva.yaml"));
    }

    @AfterEach
    void stop() throws Exception {
        List.of("aws.endpointUrlCostExplorer", "aws.endpointUrlFreeTier", "aws.accessKeyId", "aws.secretAccessKey")
                .forEach(System::clearProperty);
        ce.stop();
        monitoring.close();
    }

    @Test
    void gcpUsageIsPricedWithTheBookAndLabelledAnEstimate() throws Exception {
        monitoring
                .daily("run.googleapis.com/request_count", NOV, 1_000_000, 1_500_000)
                .daily("run.googleapis.com/container/billable_instance_time", NOV, 100_000, 0)
                .daily("firestore.googleapis.com/document/write_ops_count", NOV, 30_000, 10_000)
                .daily("firestore.googleapis.com/document/read_ops_count", NOV, 60_000);

        CliHarness.Result r = new CliHarness(dir)
                .clock(Clock.fixed(Instant.parse("2026-11-11T20:00:00Z"), ZoneOffset.UTC))
                .env("CVA_COST_MONITORING_ENDPOINT", monitoring.endpoint())
                .run("--env", "prod", "--json", "cost", "--currency", "USD");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        // requests: 2.5 M against 2 M free a month: 0.5 M x 0.40 per million = 0.20; CPU and memory inside the free
        // tier
        JsonNode run = row(j, "receiver", "Cloud Run Functions (estimate)");
        assertThat(run.path("monthToDate").decimalValue()).isEqualByComparingTo("0.20");
        // 10 complete days of 30: x 3
        assertThat(run.path("forecast").decimalValue()).isEqualByComparingTo("0.60");
        // Firestore writes: day 1 30,000 - 20,000 free = 10,000 billed, day 2 10,000 within its quota: 10,000 x 0.115 /
        // 100,000
        //   = 0.0115; reads: 60,000 - 50,000 = 10,000 x 0.038 / 100,000 = 0.0038; together 0.0153 -> 0.02, forecast
        // 0.0459 -> 0.05
        JsonNode fs = row(j, "(untagged)", "Cloud Firestore (estimate)");
        assertThat(fs.path("monthToDate").decimalValue()).isEqualByComparingTo("0.02");
        assertThat(fs.path("forecast").decimalValue()).isEqualByComparingTo("0.05");
        assertThat(j.path("sources").toString()).contains("ESTIMATE from Cloud Monitoring");
        assertThat(j.path("notes").toString())
                .contains(
                        "GCP free tier gcp.firestore.writes: 100.0% used (40,000 of 40,000; busiest day 30,000 of 20,000)")
                .contains("GCP free tier gcp.run.requests: 125.0% used (2,500,000 of 2,000,000)");

        // the query: the receiver's Cloud Run service, days from midnight Pacific up to today's
        assertThat(monitoring.requests).anySatisfy(q -> {
            assertThat(q.getName()).isEqualTo("projects/cv-analytics-prod");
            assertThat(q.getFilter())
                    .contains("run.googleapis.com/request_count")
                    .contains("resource.labels.service_name=\"cv-analytics-receiver\"");
            assertThat(q.getInterval().getStartTime().getSeconds()).isEqualTo(NOV);
            assertThat(q.getInterval().getEndTime().getSeconds())
                    .isEqualTo(Instant.parse("2026-11-11T08:00:00Z").getEpochSecond());
            assertThat(q.getAggregation().getAlignmentPeriod().getSeconds()).isEqualTo(86_400);
        });

        // AWS's free tier, from the recorded answer: 400,000 of 1,000,000 Lambda requests = 40 %, forecast 120 %
        assertThat(j.path("awsFreeTier")).hasSize(1);
        JsonNode tier = j.path("awsFreeTier").get(0);
        assertThat(tier.path("service").asText()).isEqualTo("AWS Lambda");
        assertThat(tier.path("limit").decimalValue()).isEqualByComparingTo("1000000");
        assertThat(tier.path("percentUsed").decimalValue()).isEqualByComparingTo("40.0");
        assertThat(tier.path("forecastPercent").decimalValue()).isEqualByComparingTo("120.0");
        ce.verify(postRequestedFor(urlPathEqualTo("/")).withHeader("X-Amz-Target", containing("GetFreeTierUsage")));
        assertThat(ce.findAllUnmatchedRequests()).isEmpty();
    }

    @Test
    void perDayQuotaArithmetic() {
        PriceBook.FreeTier daily = new PriceBook.FreeTier(
                "w", List.of("gcp.firestore.writes"), new java.math.BigDecimal("20000"), PriceBook.Period.day, "daily");
        PriceBook.FreeTier monthly = new PriceBook.FreeTier(
                "r",
                List.of("gcp.run.requests"),
                new java.math.BigDecimal("2000000"),
                PriceBook.Period.month,
                "monthly");
        List<java.math.BigDecimal> days = List.of(
                new java.math.BigDecimal("20000"), new java.math.BigDecimal("20001"), new java.math.BigDecimal("5000"));
        // only the one write past the second day's quota; the third day's spare quota does not carry over
        assertThat(GcpUsageEstimate.billable(days, daily)).isEqualByComparingTo("1");
        assertThat(GcpUsageEstimate.billable(days, monthly)).isEqualByComparingTo("0");
        assertThat(GcpUsageEstimate.billable(days, null)).isEqualByComparingTo("45001");
    }

    private static JsonNode row(JsonNode report, String service, String product) {
        for (JsonNode row : report.path("rows")) {
            if (row.path("service").asText().equals(service)
                    && row.path("product").asText().equals(product)) {
                return row;
            }
        }
        throw new AssertionError("no row " + service + "/" + product + " in " + report);
    }
}
