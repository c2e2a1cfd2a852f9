package dev.cva.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cva cost estimate} run as a user would: shapes, sums, free tiers, the claim line, --env local. */
class CostEstimateCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void config() throws Exception {
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), dir.resolve("cva.yaml"));
    }

    @Test
    void rowsAddUpToTheTotalAndFreeTiersSayWhereTheyRunOut() throws Exception {
        CliHarness.Result r = new CliHarness(dir).run("--json", "cost", "estimate", "--queries-per-month", "1000000");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.path("currency").asText()).isEqualTo("GBP");
        assertThat(j.path("by").asText()).isEqualTo("service");
        BigDecimal lines = BigDecimal.ZERO;
        for (JsonNode l : j.path("lines")) {
            lines = lines.add(l.path("amount").decimalValue());
        }
        assertThat(lines.setScale(2, java.math.RoundingMode.HALF_EVEN))
                .isEqualByComparingTo(j.path("total").decimalValue());
        JsonNode sqs = tier(j, "aws.sqs.requests");
        // 4,648,000 requests (see CostPricingTest) against 1,000,000 free; runs out at 88,000 queries
        assertThat(sqs.path("used").decimalValue()).isEqualByComparingTo("4648000");
        assertThat(sqs.path("percent").decimalValue()).isEqualByComparingTo("464.8");
        assertThat(sqs.path("runsOutAtQueriesPerMonth").asLong()).isEqualTo(88_000L);
        assertThat(sqs.path("unit").asText()).isEqualTo("requests");
        // Firestore writes: 2 a record against 20,000 a day x 30 days: out at 300,000 queries
        assertThat(tier(j, "gcp.firestore.writes")
                        .path("runsOutAtQueriesPerMonth")
                        .asLong())
                .isEqualTo(300_000L);
        assertThat(j.path("claims").get(0).path("claimed").decimalValue()).isEqualByComparingTo("27");
        assertThat(j.path("claims").get(0).path("estimated").decimalValue())
                .isEqualByComparingTo(j.path("total").decimalValue());
    }

    @Test
    void atNoLoadOnlyTheFixedCostsRemain() throws Exception {
        CliHarness.Result r =
                new CliHarness(dir).run("--json", "cost", "estimate", "--queries-per-month", "0", "--currency", "USD");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = JSON.readTree(r.out());
        // the one Secrets Manager secret (0.40) and 3,000 calls (0.015); everything else is inside a free tier
        assertThat(j.path("total").decimalValue()).isEqualByComparingTo("0.42");
    }

    @Test
    void textAndCsvViews() {
        CliHarness.Result text =
                new CliHarness(dir).run("cost", "estimate", "--queries-per-month", "10000", "--by", "cloud");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out())
                .contains("10,000 queries a month")
                .contains("1 USD = 0.79 GBP (rate of 2026-11-30)")
                .contains("CLOUD")
                .contains("gcp.firestore.writes")
                .containsPattern("FREE TIER +USED A MONTH +FREE A MONTH +UNIT")
                .containsPattern("gcp\\.firestore\\.writes +[0-9,]+ +600,000 +document writes")
                .as("the claim is about 1M queries a month, not 10,000")
                .doesNotContain("claim:");
        CliHarness.Result atClaim = new CliHarness(dir).run("cost", "estimate", "--queries-per-month", "1000000");
        assertThat(atClaim.out())
                .containsPattern("claim: about £27 per month at 1M queries .* -> 4\\.52 GBP under this price book");

        CliHarness.Result csv = new CliHarness(dir).run("cost", "estimate", "--queries-per-month", "10000", "--csv");
        assertThat(csv.exitCode()).isZero();
        assertThat(csv.out())
                .startsWith(
                        "queries_per_month,service,cloud,product,price_id,unit,quantity,billable,currency,amount,basis\n")
                .contains("10000,processor,aws,Amazon DynamoDB,aws.dynamodb.wru,WRU,20000,20000,GBP,")
                .contains(",model\n");
    }

    @Test
    void measuredCountsNeedARunningLocalStack() {
        CliHarness.Result r =
                new CliHarness(dir).env("CVA_ENV", "local").run("cost", "estimate", "--queries-per-month", "1000");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("no local stack is running").contains("hint:");
    }

    @Test
    void badInputIsAUsageError() {
        assertThat(new CliHarness(dir).run("cost", "estimate").exitCode()).isEqualTo(2);
        assertThat(new CliHarness(dir)
                        .run("cost", "estimate", "--queries-per-month", "-1")
                        .exitCode())
                .isEqualTo(2);
        CliHarness.Result r =
                new CliHarness(dir).run("cost", "estimate", "--queries-per-month", "1", "--currency", "EUR");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no rate configured for EUR");
    }

    private static JsonNode tier(JsonNode j, String id) {
        for (JsonNode t : j.path("freeTiers")) {
            if (t.path("id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no free tier " + id);
    }
}
