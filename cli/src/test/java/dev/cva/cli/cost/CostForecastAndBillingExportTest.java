package dev.cva.cli.cost;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.and;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
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
 * The parts moto does not serve, with the real clients against recorded HTTP (WireMock): Cost Explorer's
 * GetCostForecast (AWS JSON 1.1 protocol, told apart by X-Amz-Target) and the Cloud Billing export query through
 * the BigQuery client's REST calls ({@code jobs.query}).
 */
class CostForecastAndBillingExportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TARGET = "X-Amz-Target";
    static final String TABLE = "cv-billing.billing_export.gcp_billing_export_v1_0A1B2C_3D4E5F_678901";

    @TempDir
    Path dir;

    WireMockServer wm;

    @BeforeEach
    void start() throws Exception {
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        System.setProperty("aws.endpointUrlCostExplorer", wm.baseUrl());
        System.setProperty("aws.endpointUrlFreeTier", wm.baseUrl());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), dir.resolve("cva.yaml"));
    }

    @AfterEach
    void stop() {
        List.of("aws.endpointUrlCostExplorer", "aws.endpointUrlFreeTier", "aws.accessKeyId", "aws.secretAccessKey")
                .forEach(System::clearProperty);
        wm.stop();
    }

    void costAndUsage(String start, String body) {
        wm.stubFor(post(urlPathEqualTo("/"))
                .withHeader(TARGET, equalTo("AWSInsightsIndexService.GetCostAndUsage"))
                .withRequestBody(containing("\"Start\":\"" + start + "\""))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(body)));
    }

    static String groups(String product, String service, String usd) {
        return "{\"ResultsByTime\":[{\"TimePeriod\":{},\"Total\":{},\"Groups\":[{\"Keys\":[\"" + product
                + "\",\"Service$"
                + service + "\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"" + usd + "\",\"Unit\":\"USD\"}}}],"
                + "\"Estimated\":true}],\"DimensionValueAttributes\":[]}";
    }

    void billingExport(String invoiceMonth, String... productServiceAmount) {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < productServiceAmount.length; i += 3) {
            rows.append(rows.length() == 0 ? "" : ",")
                    .append("{\"f\":[{\"v\":\"")
                    .append(productServiceAmount[i])
                    .append("\"},{\"v\":\"")
                    .append(productServiceAmount[i + 1])
                    .append("\"},{\"v\":\"GBP\"},{\"v\":\"")
                    .append(productServiceAmount[i + 2])
                    .append("\"}]}");
        }
        String body = "{\"kind\":\"bigquery#queryResponse\",\"schema\":{\"fields\":["
                + "{\"name\":\"product\",\"type\":\"STRING\",\"mode\":\"NULLABLE\"},"
                + "{\"name\":\"service\",\"type\":\"STRING\",\"mode\":\"NULLABLE\"},"
                + "{\"name\":\"currency\",\"type\":\"STRING\",\"mode\":\"NULLABLE\"},"
                + "{\"name\":\"amount\",\"type\":\"NUMERIC\",\"mode\":\"NULLABLE\"}]},"
                + "\"jobReference\":{\"projectId\":\"cv-analytics-prod\",\"jobId\":\"job_" + invoiceMonth
                + "\",\"location\":\"EU\"},"
                + "\"totalRows\":\"" + productServiceAmount.length / 3 + "\",\"rows\":[" + rows + "],"
                + "\"totalBytesProcessed\":\"1024\",\"jobComplete\":true,\"cacheHit\":false}";
        wm.stubFor(post(urlPathEqualTo("/bigquery/v2/projects/cv-analytics-prod/queries"))
                .withRequestBody(containing("\"" + invoiceMonth + "\""))
                .willReturn(okJson(body)));
    }

    CliHarness cli() {
        return new CliHarness(dir)
                .clock(Clock.fixed(Instant.parse("2026-11-11T08:00:00Z"), ZoneOffset.UTC))
                .env("CVA_COST_BILLING_TABLE", TABLE)
                .env("CVA_COST_BILLING_ENDPOINT", wm.baseUrl());
    }

    @Test
    void costExplorerForecastAndTheGcpBillingExportMakeOneReport() throws Exception {
        costAndUsage("2026-11-01", groups("AWS Lambda", "processor", "2.00"));
        costAndUsage("2026-10-01", groups("AWS Lambda", "processor", "5.00"));
        wm.stubFor(post(urlPathEqualTo("/"))
                .withHeader(TARGET, equalTo("AWSInsightsIndexService.GetCostForecast"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"Total\":{\"Amount\":\"4.00\",\"Unit\":\"USD\"},\"ForecastResultsByTime\":[]}")));
        billingExport("202611", "Cloud Run Functions", "receiver", "1.00", "Cloud Firestore", "", "0.50");
        billingExport("202610", "Cloud Run Functions", "receiver", "2.00");
        freeTierUsage();

        CliHarness.Result r = cli().run("--env", "prod", "--json", "cost");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        // AWS: 2.00 USD so far + 4.00 forecast for the rest = 6.00 USD; in GBP at 0.79: 1.58 so far, 4.74 forecast;
        // October 5.00 USD = 3.95 GBP, so +20 %
        JsonNode lambda = row(j, "aws", "processor", "AWS Lambda");
        assertThat(lambda.path("monthToDate").decimalValue()).isEqualByComparingTo("1.58");
        assertThat(lambda.path("forecast").decimalValue()).isEqualByComparingTo("4.74");
        assertThat(lambda.path("changePercent").decimalValue()).isEqualByComparingTo("20.0");
        // GCP bills in GBP: 10 complete days of 30 scaled to the month
        JsonNode run = row(j, "gcp", "receiver", "Cloud Run Functions");
        assertThat(run.path("monthToDate").decimalValue()).isEqualByComparingTo("1.00");
        assertThat(run.path("forecast").decimalValue()).isEqualByComparingTo("3.00");
        assertThat(run.path("lastMonth").decimalValue()).isEqualByComparingTo("2.00");
        assertThat(run.path("changePercent").decimalValue()).isEqualByComparingTo("50.0");
        assertThat(row(j, "gcp", "(untagged)", "Cloud Firestore")
                        .path("forecast")
                        .decimalValue())
                .isEqualByComparingTo("1.50");
        // total forecast 4.74 + 3.00 + 1.50 = 9.24 GBP of 30: 30.8 %
        assertThat(j.path("total").path("forecast").decimalValue()).isEqualByComparingTo("9.24");
        assertThat(j.path("budget").path("percentUsed").decimalValue()).isEqualByComparingTo("30.8");
        assertThat(j.path("forecastMethod").asText()).contains("GetCostForecast");
        assertThat(j.path("sources").toString()).contains(TABLE);

        // the forecast asks for today to the month's end, filtered by the project's tag
        wm.verify(postRequestedFor(urlPathEqualTo("/"))
                .withHeader(TARGET, equalTo("AWSInsightsIndexService.GetCostForecast"))
                .withRequestBody(and(
                        containing("\"Start\":\"2026-11-11\""),
                        containing("\"End\":\"2026-12-01\""),
                        containing("\"Key\":\"Project\""),
                        containing("cv-analytics"))));
        // the billing query names the table and binds the month and the project as parameters
        wm.verify(postRequestedFor(urlPathEqualTo("/bigquery/v2/projects/cv-analytics-prod/queries"))
                .withRequestBody(and(
                        containing(TABLE),
                        containing("invoice.month = @month"),
                        containing("\"202611\""),
                        containing("\"cv-analytics-prod\""))));
        // the account's free tier from GetFreeTierUsage: 250,000 of 1,000,000 Lambda requests used = 25 %
        JsonNode lambdaTier = j.path("awsFreeTier").get(0);
        assertThat(lambdaTier.path("service").asText()).isEqualTo("AWS Lambda");
        assertThat(lambdaTier.path("percentUsed").decimalValue()).isEqualByComparingTo("25.0");
        assertThat(lambdaTier.path("forecastPercent").decimalValue()).isEqualByComparingTo("68.2");
        assertThat(j.path("awsFreeTier").get(1).path("limit").decimalValue()).isEqualByComparingTo("1000000");
        wm.verify(postRequestedFor(urlPathEqualTo("/")).withHeader(TARGET, containing("GetFreeTierUsage")));
        assertThat(wm.findAllUnmatchedRequests()).isEmpty();
    }

    /** A recorded GetFreeTierUsage answer (AWS JSON 1.0): Lambda requests and SQS requests this month. */
    void freeTierUsage() {
        wm.stubFor(post(urlPathEqualTo("/"))
                .withHeader(TARGET, containing("GetFreeTierUsage"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("""
                        {"freeTierUsages":[
                          {"service":"AWS Lambda","operation":"Invoke","usageType":"EUW2-Request","region":"global",
                           "actualUsageAmount":250000.0,"forecastedUsageAmount":681818.18,"limit":1000000.0,
                           "unit":"Requests","description":"1,000,000 free requests per month for AWS Lambda",
                           "freeTierType":"Always Free"},
                          {"service":"Amazon Simple Queue Service","operation":"","usageType":"Requests-Tier1",
                           "region":"global","actualUsageAmount":40000.0,"forecastedUsageAmount":109090.9,
                           "limit":1000000.0,"unit":"Requests","description":"1,000,000 Amazon SQS requests",
                           "freeTierType":"Always Free"}]}""")));
    }

    @Test
    void anAccountWithoutTheFreeTierApiStillGetsItsReport() throws Exception {
        costAndUsage("2026-11-01", groups("AWS Lambda", "processor", "2.00"));
        costAndUsage("2026-10-01", groups("AWS Lambda", "processor", "5.00"));
        billingExport("202611", "Cloud Run Functions", "receiver", "1.00");
        billingExport("202610", "Cloud Run Functions", "receiver", "2.00");
        wm.stubFor(
                post(urlPathEqualTo("/"))
                        .withHeader(TARGET, containing("GetFreeTierUsage"))
                        .willReturn(
                                aResponse()
                                        .withStatus(400)
                                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                                        .withBody(
                                                "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized to perform freetier:GetFreeTierUsage\"}")));

        CliHarness.Result r = cli().run("--env", "prod", "--json", "cost");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.path("awsFreeTier")).isEmpty();
        assertThat(j.path("notes").toString())
                .contains("AWS free tier not shown")
                .contains("AccessDeniedException");
    }

    @Test
    void aBillInAnotherCurrencyThanTheReportIsAUsageError() {
        costAndUsage("2026-11-01", groups("AWS Lambda", "processor", "2.00"));
        costAndUsage("2026-10-01", groups("AWS Lambda", "processor", "5.00"));
        billingExport("202611", "Cloud Run Functions", "receiver", "1.00");
        billingExport("202610", "Cloud Run Functions", "receiver", "2.00");

        CliHarness.Result r = cli().run("--env", "prod", "cost", "--currency", "USD");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("the bill is in GBP but the report is in USD");
    }

    @Test
    void bigQueryErrorsAreTranslated() {
        costAndUsage("2026-11-01", groups("AWS Lambda", "processor", "2.00"));
        costAndUsage("2026-10-01", groups("AWS Lambda", "processor", "5.00"));
        wm.stubFor(post(urlPathEqualTo("/bigquery/v2/projects/cv-analytics-prod/queries"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":404,\"message\":\"Not found: Table " + TABLE
                                + "\",\"errors\":[{\"reason\":\"notFound\"," + "\"message\":\"Not found: Table " + TABLE
                                + "\"}],\"status\":\"NOT_FOUND\"}}")));

        CliHarness.Result r = cli().run("--env", "prod", "cost");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("BigQuery billing export query failed").contains("hint: check cost.billingTable");
    }

    private static JsonNode row(JsonNode report, String cloud, String service, String product) {
        for (JsonNode row : report.path("rows")) {
            if (row.path("cloud").asText().equals(cloud)
                    && row.path("service").asText().equals(service)
                    && row.path("product").asText().equals(product)) {
                return row;
            }
        }
        throw new AssertionError("no row " + cloud + "/" + service + "/" + product + " in " + report.path("rows"));
    }
}
