package dev.cva.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva cost estimate --env local} on a real local stack (the packaged service jars, as in LocalStackE2ETest): a
 * small demo through it, then the estimate prices what the stack counted, checked against the demo's own summary.
 */
class CostEstimateLocalE2ETest {
    @TempDir
    Path project;

    @Test
    @Timeout(240)
    void pricesTheCountsOfASmallDemo() throws Exception {
        Path repo = CliHarness.repoRoot();
        for (String m : List.of("processor", "notifier", "reporter")) {
            assertThat(repo.resolve("services/" + m + "/target/" + m + "-lambda.jar"))
                    .as("needs the packaged service jars: ./mvnw -DskipTests package")
                    .isRegularFile();
        }
        CliHarness.localCheckout(project);
        CliHarness cva = new CliHarness(project).env("CVA_LOCAL_SES", "outbox");

        CliHarness.Result up = cva.run("local", "up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        try {
            CliHarness.Result demo = cva.run(
                    "local",
                    "demo",
                    "--conversations",
                    "20",
                    "--early",
                    "2",
                    "--duplicates",
                    "2",
                    "--poison",
                    "0",
                    "--timeout",
                    "150",
                    "--json");
            assertThat(demo.exitCode()).as(demo.toString()).isZero();
            JsonNode d = CvaContext.json().readTree(demo.out());
            long sent = d.path("eventsSent").asLong();
            assertThat(sent).isEqualTo(20 * 2 + 2);

            CliHarness.Result r =
                    cva.run("--json", "cost", "estimate", "--env", "local", "--queries-per-month", "1000000");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            JsonNode j = CvaContext.json().readTree(r.out());
            JsonNode m = j.path("measured");
            // every event sent was deleted from the queue once processed: 42 events = 21 queries
            assertThat(m.path("events").asLong()).isEqualTo(sent);
            assertThat(m.path("queries").decimalValue()).isEqualByComparingTo("21");
            assertThat(m.path("recordsCompleted").asLong()).isEqualTo(20);
            // 20 records, each one webhook POST and 2 Firestore writes, over 21 queries
            assertThat(perQuery(m, "receiver", "gcp.run.requests")).isEqualByComparingTo(ratio(20, 21));
            assertThat(perQuery(m, "receiver", "gcp.firestore.writes")).isEqualByComparingTo(ratio(40, 21));
            // each processor invocation takes at least one message: at most 2 invocations a query, and some time billed
            assertThat(perQuery(m, "processor", "aws.lambda.requests"))
                    .isPositive()
                    .isLessThanOrEqualTo(new BigDecimal("2"));
            assertThat(perQuery(m, "processor", "aws.lambda.gbs")).isPositive();
            assertThat(perQuery(m, "notifier", "aws.lambda.requests")).isPositive();
            assertThat(j.path("lines").toString())
                    .contains("\"basis\":\"measured\"")
                    .contains("\"basis\":\"derived\"")
                    .contains("\"basis\":\"model\"");
            assertThat(j.path("total").decimalValue()).isPositive();

            // 'cva cost --month' as typed on local: this month at the rate the stack measured, labelled an estimate
            CliHarness.Result month = cva.run("cost", "--month");
            assertThat(month.exitCode()).as(month.toString()).isZero();
            assertThat(month.out())
                    .startsWith("cva cost · local · " + java.time.YearMonth.now(java.time.ZoneOffset.UTC)
                            + " · ESTIMATE, not a bill: local measurements ");
            JsonNode mj = CvaContext.json()
                    .readTree(cva.run("--json", "cost", "--month").out());
            assertThat(mj.path("kind").asText()).isEqualTo("estimate");
            assertThat(mj.path("estimate").path("measured").path("events").asLong())
                    .isEqualTo(sent);
            assertThat(mj.path("queriesPerMonth").asLong()).isPositive();
            assertThat(mj.path("total").decimalValue()).isPositive();
        } finally {
            assertThat(cva.run("local", "down").exitCode()).isZero();
        }
    }

    private static BigDecimal ratio(long a, long b) {
        return BigDecimal.valueOf(a).divide(BigDecimal.valueOf(b), new MathContext(6));
    }

    private static BigDecimal perQuery(JsonNode measured, String service, String priceId) {
        for (JsonNode p : measured.path("perQuery")) {
            if (p.path("service").asText().equals(service)
                    && p.path("priceId").asText().equals(priceId)) {
                return p.path("perQuery").decimalValue().round(new MathContext(6));
            }
        }
        throw new AssertionError("no " + service + "/" + priceId + " in " + measured);
    }
}
