package dev.cva.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva cost} with the real Cost Explorer client against moto_server: results are queued through
 * {@code /moto-api/static/ce/cost-and-usage-results}; the client finds moto through the SDK's own
 * endpoint setting (the system-property twin of {@code AWS_ENDPOINT_URL_COST_EXPLORER}).
 */
class CostExplorerMotoTest {
    static Process moto;
    static String endpoint;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> PROPS = Map.of(
            "aws.endpointUrlCostExplorer",
            "",
            "aws.endpointUrlFreeTier",
            "",
            "aws.accessKeyId",
            "test",
            "aws.secretAccessKey",
            "test");

    @TempDir
    Path dir;

    FakeMonitoring monitoring;

    @BeforeAll
    static void startMoto() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        moto = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                if (!moto.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("moto_server did not start on port " + port);
                }
                Thread.sleep(100);
            }
        }
        endpoint = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopMoto() throws Exception {
        if (moto != null) {
            moto.destroy();
            moto.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void pointTheSdkAtMoto() throws Exception {
        post("/moto-api/reset", "");
        System.setProperty("aws.endpointUrlCostExplorer", endpoint);
        System.setProperty("aws.endpointUrlFreeTier", endpoint); // moto has no Free Tier API: the report notes it
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), dir.resolve("cva.yaml"));
        monitoring = new FakeMonitoring(); // no GCP usage: the GCP estimate adds no rows
    }

    @AfterEach
    void clearProperties() throws Exception {
        PROPS.keySet().forEach(System::clearProperty);
        monitoring.close();
    }

    static void post(String path, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(endpoint + path))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    }

    /** One GetCostAndUsage answer: groups of SERVICE x TAG Service, amounts in USD. */
    static String result(String start, String end, String... productTagAmount) {
        StringBuilder groups = new StringBuilder();
        for (int i = 0; i < productTagAmount.length; i += 3) {
            if (groups.length() > 0) {
                groups.append(',');
            }
            groups.append("{\"Keys\":[\"")
                    .append(productTagAmount[i])
                    .append("\",\"Service$")
                    .append(productTagAmount[i + 1])
                    .append("\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"")
                    .append(productTagAmount[i + 2])
                    .append("\",\"Unit\":\"USD\"}}}");
        }
        return "{\"ResultsByTime\":[{\"TimePeriod\":{\"Start\":\"" + start + "\",\"End\":\"" + end
                + "\"},\"Total\":{},\"Groups\":[" + groups + "],\"Estimated\":false}],\"DimensionValueAttributes\":[]}";
    }

    CliHarness cli(String instant) {
        return new CliHarness(dir)
                .clock(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC))
                .env("CVA_COST_MONITORING_ENDPOINT", monitoring.endpoint());
    }

    @Test
    void aPastMonthPerServiceAndProductInGbpWithTheChangeAndTheBudget() throws Exception {
        // the report asks for the month, then the month before it: moto hands out its queue in that order
        post(
                "/moto-api/static/ce/cost-and-usage-results",
                "{\"results\":["
                        + result(
                                "2026-10-01",
                                "2026-11-01",
                                "AWS Lambda",
                                "processor",
                                "1.50",
                                "Amazon DynamoDB",
                                "processor",
                                "1.00",
                                "Amazon Simple Queue Service",
                                "",
                                "0.50")
                        + ","
                        + result("2026-09-01", "2026-10-01", "AWS Lambda", "processor", "1.00") + "]}");

        CliHarness.Result r = cli("2026-11-15T12:00:00Z").run("--env", "prod", "--json", "cost", "--month", "2026-10");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.path("complete").asBoolean()).isTrue();
        assertThat(j.path("currency").asText()).isEqualTo("GBP");
        assertThat(j.path("rate").asText()).isEqualTo("1 USD = 0.79 GBP (rate of 2026-11-30)");
        JsonNode lambda = row(j, "processor", "AWS Lambda");
        // 1.50 USD x 0.79 = 1.185 GBP -> 1.18 (half-even); September 1.00 USD = 0.79; change +50 %
        assertThat(lambda.path("monthToDate").decimalValue()).isEqualByComparingTo("1.18");
        assertThat(lambda.path("forecast").decimalValue()).isEqualByComparingTo("1.18");
        assertThat(lambda.path("lastMonth").decimalValue()).isEqualByComparingTo("0.79");
        assertThat(lambda.path("changePercent").decimalValue()).isEqualByComparingTo("50.0");
        assertThat(row(j, "(untagged)", "Amazon Simple Queue Service")
                        .path("monthToDate")
                        .decimalValue())
                .isEqualByComparingTo("0.40");
        // 3.00 USD = 2.37 GBP against cva.yaml's 30 GBP: 7.9 %
        assertThat(j.path("total").path("monthToDate").decimalValue()).isEqualByComparingTo("2.37");
        assertThat(j.path("budget").path("amount").decimalValue()).isEqualByComparingTo("30");
        assertThat(j.path("budget").path("percentUsed").decimalValue()).isEqualByComparingTo("7.9");
        assertThat(j.path("budget").path("over").asBoolean()).isFalse();
        assertThat(j.path("sources").toString()).contains("ESTIMATE from Cloud Monitoring");
        assertThat(monitoring.requests).hasSize(10); // 5 metrics x (October, September)

        // the same month again comes from the disk cache (a past month never changes), and a smaller budget fails CI
        CliHarness.Result again =
                cli("2026-11-15T12:00:00Z").run("--env", "prod", "cost", "--month", "2026-10", "--budget", "2", "-v");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
        assertThat(again.err())
                .contains("Cost Explorer: 2 cached, 0 asked")
                .contains("forecast 2.37 GBP is over the budget of 2.00 GBP");
        assertThat(again.out()).contains("OVER BUDGET").contains("processor").contains("AWS Lambda");

        CliHarness.Result refreshed = cli("2026-11-15T12:00:00Z")
                .run("--env", "prod", "cost", "--month", "2026-10", "--refresh", "--by", "cloud", "--csv", "-v");
        assertThat(refreshed.exitCode()).as(refreshed.toString()).isZero();
        assertThat(refreshed.err()).contains("Cost Explorer: 0 cached, 2 asked");
        assertThat(refreshed.out())
                .startsWith("cloud,service,product,currency,month_to_date,forecast,last_month,change_percent\n")
                .contains("aws,,,GBP,2.37,2.37,0.79,200.0\n");
    }

    @Test
    void theCurrentMonthWithoutACostExplorerForecastIsScaledByItsDays() throws Exception {
        post(
                "/moto-api/static/ce/cost-and-usage-results",
                "{\"results\":["
                        + result("2026-11-01", "2026-11-11", "AWS Lambda", "notifier", "1.00") + ","
                        + result("2026-10-01", "2026-11-01", "AWS Lambda", "notifier", "2.00") + "]}");

        // 11 November: 10 complete days of 30; moto has no GetCostForecast
        CliHarness.Result r = cli("2026-11-11T08:00:00Z").run("--env", "prod", "--json", "cost", "--currency", "USD");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.path("complete").asBoolean()).isFalse();
        assertThat(j.path("day").asInt()).isEqualTo(11);
        JsonNode n = row(j, "notifier", "AWS Lambda");
        assertThat(n.path("monthToDate").decimalValue()).isEqualByComparingTo("1.00");
        assertThat(n.path("forecast").decimalValue()).isEqualByComparingTo("3.00");
        assertThat(n.path("changePercent").decimalValue()).isEqualByComparingTo("50.0");
        assertThat(j.path("forecastMethod").asText()).contains("Cost Explorer gave no forecast");
        // budget.monthlyGbp 30 in USD at 0.79: 37.97...; forecast 3.00 is 7.9 % of it
        assertThat(j.path("budget").path("amount").decimalValue()).isEqualByComparingTo("37.97");
        assertThat(j.path("budget").path("percentUsed").decimalValue()).isEqualByComparingTo("7.9");
    }

    @Test
    void theLocalEnvironmentHasNoBillButAnEstimateOfARunningStack() {
        CliHarness.Result r = cli("2026-11-11T08:00:00Z").run("cost");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("no local stack is running").contains("hint:");
    }

    /** Google's application default credentials are looked for under user.home: an empty home has none. */
    void withoutGoogleCredentials(ThrowingRunnable body) throws Exception {
        assertThat(System.getenv("GOOGLE_APPLICATION_CREDENTIALS"))
                .as("this test needs a machine without ADC")
                .isNull();
        assertThat(System.getenv("CLOUDSDK_CONFIG"))
                .as("this test needs a machine without ADC")
                .isNull();
        String home = System.getProperty("user.home");
        System.setProperty(
                "user.home", Files.createDirectories(dir.resolve("empty-home")).toString());
        try {
            body.run();
        } finally {
            System.setProperty("user.home", home);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void withAwsCredentialsOnlyAwsIsReportedAndGcpNamedAsMissing() throws Exception {
        post(
                "/moto-api/static/ce/cost-and-usage-results",
                "{\"results\":["
                        + result("2026-10-01", "2026-11-01", "AWS Lambda", "processor", "1.50") + ","
                        + result("2026-09-01", "2026-10-01", "AWS Lambda", "processor", "1.00") + "]}");
        withoutGoogleCredentials(() -> {
            // no CVA_COST_MONITORING_ENDPOINT: Cloud Monitoring would need Google's credentials
            CliHarness cva =
                    new CliHarness(dir).clock(Clock.fixed(Instant.parse("2026-11-15T12:00:00Z"), ZoneOffset.UTC));
            CliHarness.Result r = cva.run("--env", "prod", "--json", "cost", "--month", "2026-10");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.err())
                    .contains("warning: GCP not included: no Google application default credentials")
                    .contains("gcloud auth application-default login")
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
            JsonNode j = JSON.readTree(r.out());
            assertThat(j.path("kind").asText()).isEqualTo("bill");
            assertThat(j.path("missingClouds")).hasSize(1);
            assertThat(j.at("/missingClouds/0/cloud").asText()).isEqualTo("gcp");
            assertThat(row(j, "processor", "AWS Lambda").path("monthToDate").decimalValue())
                    .isEqualByComparingTo("1.18");
            assertThat(j.path("sources").toString()).contains("Cost Explorer").doesNotContain("GCP:");
            assertThat(j.path("notes").toString())
                    .contains("GCP not included")
                    .doesNotContain("no Cloud Billing export");
            assertThat(monitoring.requests).isEmpty();

            CliHarness.Result text = cva.run("--env", "prod", "cost", "--month", "2026-10");
            assertThat(text.exitCode()).as(text.toString()).isZero();
            assertThat(text.out()).contains("AWS Lambda").contains("note: GCP not included");
        });
    }

    @Test
    void withGoogleCredentialsOnlyGcpIsReportedAndAwsNamedAsMissing() throws Exception {
        PROPS.keySet().forEach(System::clearProperty);
        assertThat(System.getenv("AWS_ACCESS_KEY_ID"))
                .as("this test needs a machine without AWS keys")
                .isNull();
        assertThat(System.getenv("AWS_PROFILE")).isNull();
        assertThat(System.getenv("AWS_WEB_IDENTITY_TOKEN_FILE")).isNull();
        // the SDK's own settings: no profile files, no instance metadata
        System.setProperty(
                "aws.sharedCredentialsFile", dir.resolve("no-credentials").toString());
        System.setProperty("aws.configFile", dir.resolve("no-config").toString());
        System.setProperty("aws.disableEc2Metadata", "true");
        try {
            CliHarness.Result r =
                    cli("2026-11-15T12:00:00Z").run("--env", "prod", "--json", "cost", "--month", "2026-10");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.err())
                    .contains("warning: AWS not included: no AWS credentials")
                    .contains("aws sso login")
                    .doesNotContain("Exception");
            JsonNode j = JSON.readTree(r.out());
            assertThat(j.at("/missingClouds/0/cloud").asText()).isEqualTo("aws");
            assertThat(j.path("sources").toString())
                    .contains("ESTIMATE from Cloud Monitoring")
                    .doesNotContain("Cost Explorer");
            assertThat(monitoring.requests).hasSize(10); // GCP asked as usual: 5 metrics x (October, September)
        } finally {
            for (String p : new String[] {"aws.sharedCredentialsFile", "aws.configFile", "aws.disableEc2Metadata"}) {
                System.clearProperty(p);
            }
        }
    }

    @Test
    void withCredentialsForNeitherCloudNothingIsReported() throws Exception {
        PROPS.keySet().forEach(System::clearProperty);
        System.setProperty(
                "aws.sharedCredentialsFile", dir.resolve("no-credentials").toString());
        System.setProperty("aws.configFile", dir.resolve("no-config").toString());
        System.setProperty("aws.disableEc2Metadata", "true");
        try {
            withoutGoogleCredentials(() -> {
                CliHarness cva =
                        new CliHarness(dir).clock(Clock.fixed(Instant.parse("2026-11-15T12:00:00Z"), ZoneOffset.UTC));
                CliHarness.Result r = cva.run("--env", "prod", "cost");
                assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
                assertThat(r.err())
                        .contains("no credentials for AWS or GCP")
                        .contains("aws configure")
                        .contains("gcloud auth application-default login")
                        .doesNotContain("Exception");
            });
        } finally {
            for (String p : new String[] {"aws.sharedCredentialsFile", "aws.configFile", "aws.disableEc2Metadata"}) {
                System.clearProperty(p);
            }
        }
    }

    private static JsonNode row(JsonNode report, String service, String product) {
        for (JsonNode row : report.path("rows")) {
            if (row.path("service").asText().equals(service)
                    && row.path("product").asText().equals(product)) {
                return row;
            }
        }
        throw new AssertionError("no row " + service + "/" + product + " in " + report.path("rows"));
    }
}
