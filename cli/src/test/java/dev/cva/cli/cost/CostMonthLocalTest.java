package dev.cva.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stack.RecordedStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva cost --month} on the local environment: an estimate of this month from the running stack's counts,
 * read through the stack's real control channel ({@link RecordedStack}: GET /metrics answering the recorded counts
 * of {@link MeasuredModelTest#METRICS}: 200 events = 100 queries in 60 s).
 */
class CostMonthLocalTest {
    static final Clock DEC_7 = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @BeforeEach
    void project() throws Exception {
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), dir.resolve("cva.yaml"));
    }

    CliHarness cva() {
        return new CliHarness(dir).clock(DEC_7);
    }

    @Test
    void theMonthAsTypedIsTheMeasuredRateKeptUpAllMonthLabelledAnEstimate() throws Exception {
        try (RecordedStack stack = RecordedStack.start(dir, MeasuredModelTest.METRICS)) {
            CliHarness.Result text = cva().run("cost", "--month");
            assertThat(text.exitCode()).as(text.toString()).isZero();
            // 100 queries in 60 s = 1.67 a second; December's 31 days are 2,678,400 s: 4,464,000 queries
            assertThat(text.out())
                    .startsWith("cva cost · local · 2026-12 · ESTIMATE, not a bill: local measurements "
                            + "2026-12-02 22:00:00..22:01:00 UTC (60 s, 100 queries, 1.67 a second) scaled to the month "
                            + "(31 days): 4,464,000 queries\n")
                    .contains("cva cost estimate · 4,464,000 queries a month")
                    .doesNotContain("budget"); // local's budget.monthlyGbp is 0: none
            assertThat(text.err()).contains("local has no bill");

            // a budget is compared, but an estimate over it is no failure (only the bill's forecast fails CI)
            CliHarness.Result json = cva().run("--json", "cost", "--budget", "20");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            JsonNode j = CvaContext.json().readTree(json.out());
            assertThat(j.path("kind").asText()).isEqualTo("estimate");
            assertThat(j.path("environment").asText()).isEqualTo("local");
            assertThat(j.path("month").asText()).isEqualTo("2026-12");
            assertThat(j.path("basis").asText()).startsWith("local measurements 2026-12-02 22:00:00..22:01:00 UTC");
            assertThat(j.path("queriesPerMonth").asLong()).isEqualTo(4_464_000L);
            assertThat(j.path("estimate").path("measured").path("queries").decimalValue())
                    .isEqualByComparingTo("100");

            // the same figures as the measured model prices at that load
            CliHarness.Result direct =
                    cva().run("--json", "cost", "estimate", "--env", "local", "--queries-per-month", "4464000");
            assertThat(direct.exitCode()).as(direct.toString()).isZero();
            JsonNode d = CvaContext.json().readTree(direct.out());
            assertThat(j.path("total").decimalValue())
                    .isPositive()
                    .isEqualByComparingTo(d.path("total").decimalValue());
            assertThat(j.path("estimate").path("rows")).isEqualTo(d.path("rows"));
            assertThat(j.path("budget").path("amount").decimalValue()).isEqualByComparingTo("20");
            assertThat(j.path("budget").path("over").asBoolean())
                    .isEqualTo(j.path("total").decimalValue().compareTo(new java.math.BigDecimal("20")) > 0);
        }
    }

    @Test
    void onlyTheCurrentMonthCanBeEstimatedAndABadMonthIsAUsageError() throws Exception {
        try (RecordedStack stack = RecordedStack.start(dir, MeasuredModelTest.METRICS)) {
            assertThat(cva().run("cost", "--month", "2026-12").exitCode()).isZero();
            assertThat(cva().run("cost", "--month", "current").exitCode()).isZero();
            for (String other : new String[] {"2026-11", "previous", "2027-01"}) {
                CliHarness.Result r = cva().run("cost", "--month", other);
                assertThat(r.exitCode()).as(other + ": " + r).isEqualTo(2);
                assertThat(r.err()).contains("the local stack keeps no history").contains("--env prod");
            }
            for (String bad : new String[] {"2026-13", "12-2026", "2026-1", "December", ""}) {
                CliHarness.Result r = cva().run("cost", "--month", bad);
                assertThat(r.exitCode()).as("'" + bad + "': " + r).isEqualTo(2);
                assertThat(r.err()).contains("--month: expected YYYY-MM, current or previous but found '" + bad + "'");
                assertThat(r.err()).doesNotContain("Exception");
            }
        }
    }

    @Test
    void monthsParse() {
        LocalDate today = LocalDate.of(2026, 12, 7);
        assertThat(CostCommand.parseMonth("current", today)).isEqualTo(YearMonth.of(2026, 12));
        assertThat(CostCommand.parseMonth("previous", today)).isEqualTo(YearMonth.of(2026, 11));
        assertThat(CostCommand.parseMonth("2026-02", today)).isEqualTo(YearMonth.of(2026, 2));
        assertThat(CostCommand.parseMonth("previous", LocalDate.of(2027, 1, 1))).isEqualTo(YearMonth.of(2026, 12));
        assertThatThrownBy(() -> CostCommand.parseMonth("2026-00", today))
                .isInstanceOf(CvaException.class)
                .satisfies(e -> assertThat(((CvaException) e).exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> LocalMonth.requireCurrent(YearMonth.of(2026, 11), today))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("not 2026-11");
    }

    @Test
    void withoutAStackOrWithoutEventsThereIsNothingToEstimate() throws Exception {
        CliHarness.Result none = cva().run("cost", "--month");
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(1);
        assertThat(none.err())
                .contains("no local stack is running, so there are no measured counts to price")
                .contains(
                        "hint: start one with 'cva local up --detach' and send events, or pass --env prod for the cloud bill");

        String idle = MeasuredModelTest.METRICS.replace("\"messagesDeleted\": 200", "\"messagesDeleted\": 0");
        try (RecordedStack stack = RecordedStack.start(dir, idle)) {
            CliHarness.Result r = cva().run("cost", "--month");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err())
                    .contains("the local stack processed no events since 2026-12-02T22:00:00Z")
                    .contains("cva local demo");
        }
    }
}
