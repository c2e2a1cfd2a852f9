package dev.cva.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The month's arithmetic and the cache, with an in-memory Cost Explorer. */
class CostServiceTest {
    @TempDir
    Path dir;

    /** An in-memory {@link AwsCostSource}: answers per period start, and records every call. */
    static final class InMemoryAws implements AwsCostSource {
        final Map<LocalDate, List<CostItem>> costs;
        final BigDecimal forecast;
        final List<String> calls = new ArrayList<>();

        InMemoryAws(Map<LocalDate, List<CostItem>> costs, BigDecimal forecast) {
            this.costs = costs;
            this.forecast = forecast;
        }

        @Override
        public List<CostItem> costs(LocalDate start, LocalDate end) {
            calls.add("costs " + start + ".." + end);
            return costs.getOrDefault(start, List.of());
        }

        @Override
        public Optional<BigDecimal> forecast(LocalDate start, LocalDate end) {
            calls.add("forecast " + start + ".." + end);
            return Optional.ofNullable(forecast);
        }
    }

    static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    static CostItem lambda(String usd) {
        return new CostItem("aws", "processor", "AWS Lambda", new BigDecimal(usd), "USD");
    }

    @Test
    void onTheFirstOfTheMonthThereIsNoCompleteDayToAskFor() {
        InMemoryAws aws = new InMemoryAws(Map.of(), new BigDecimal("9.00"));
        CostReport r = new CostService(aws, null, at("2026-11-01T10:00:00Z"))
                .report(
                        "prod",
                        YearMonth.of(2026, 11),
                        Fx.USD,
                        null,
                        new CostService.BudgetSetting(new BigDecimal("5"), "--budget"));
        assertThat(aws.calls).containsExactly("costs 2026-10-01..2026-11-01", "forecast 2026-11-01..2026-12-01");
        // no cost yet, but a forecast: it is shown, unattributed, and it is over the budget
        assertThat(r.total().forecast()).isEqualByComparingTo("9.00");
        assertThat(r.rows()).extracting(CostReport.Row::product).containsExactly("(forecast, no cost yet)");
        assertThat(r.budget().over()).isTrue();
        assertThat(r.budget().percentUsed()).isEqualByComparingTo("180");
        assertThat(r.notes()).anyMatch(n -> n.contains("just begun"));
    }

    @Test
    void theForecastIsSharedOverTheRowsInProportion() {
        InMemoryAws aws = new InMemoryAws(
                Map.of(
                        LocalDate.of(2026, 11, 1),
                        List.of(
                                lambda("1.00"),
                                new CostItem("aws", "", "Amazon Simple Queue Service", new BigDecimal("3.00"), "USD"))),
                new BigDecimal("4.00"));
        CostReport r = new CostService(aws, null, at("2026-11-16T10:00:00Z"))
                .report("prod", YearMonth.of(2026, 11), Fx.USD, null, null);
        // 4.00 so far + 4.00 forecast = 8.00: each row doubles
        assertThat(r.total().forecast()).isEqualByComparingTo("8.00");
        assertThat(r.rows().get(0).product()).isEqualTo("Amazon Simple Queue Service");
        assertThat(r.rows().get(0).forecast()).isEqualByComparingTo("6.00");
        assertThat(r.rows().get(1).forecast()).isEqualByComparingTo("2.00");
        assertThat(r.budget()).isNull();
    }

    @Test
    void aMonthThatHasNotStartedIsAUsageError() {
        InMemoryAws aws = new InMemoryAws(Map.of(), null);
        assertThatThrownBy(() -> new CostService(aws, null, at("2026-11-16T10:00:00Z"))
                        .report("prod", YearMonth.of(2026, 12), Fx.USD, null, null))
                .isInstanceOf(CvaException.class)
                .hasMessageContaining("has not started yet");
        assertThat(aws.calls).isEmpty();
    }

    @Test
    void cachedForGoodForPastMonthsAndSixHoursForTheCurrentOne() throws Exception {
        InMemoryAws aws =
                new InMemoryAws(Map.of(LocalDate.of(2026, 10, 1), List.of(lambda("1.00"))), new BigDecimal("1"));
        Clock noon = at("2026-11-16T12:00:00Z");
        CostCache cache = new CostCache(aws, dir, "Project=cv-analytics|Service", noon, false);
        assertThat(cache.costs(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 11, 1)))
                .containsExactly(lambda("1.00"));
        cache.costs(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 16));
        assertThat(aws.calls).hasSize(2);

        // a year later the past month is still cached; the current month's answer went stale after 6 hours
        CostCache later = new CostCache(aws, dir, "Project=cv-analytics|Service", at("2026-11-16T18:00:01Z"), false);
        assertThat(later.costs(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 11, 1)))
                .containsExactly(lambda("1.00"));
        later.costs(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 16));
        assertThat(aws.calls).hasSize(3).last().isEqualTo("costs 2026-11-01..2026-11-16");
        assertThat(later.hits()).isEqualTo(1);

        // another query (another tag) is another entry; --refresh asks again
        new CostCache(aws, dir, "Project=other|Service", noon, false)
                .costs(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 11, 1));
        new CostCache(aws, dir, "Project=cv-analytics|Service", noon, true)
                .costs(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 11, 1));
        assertThat(aws.calls).hasSize(5);
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(3);
        }
    }
}
