package dev.cva.reporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsoWeekAndStatsTest {

    static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    @Test
    void lastFullWeekIsThePreviousMondayToSunday() {
        assertThat(IsoWeek.lastFull(at("2026-11-23T07:00:00Z")).toString()).isEqualTo("2026-W47");
        assertThat(IsoWeek.lastFull(at("2026-11-22T23:59:59Z")).toString()).isEqualTo("2026-W46");
        assertThat(IsoWeek.lastFull(at("2027-01-04T07:00:00Z")).toString()).isEqualTo("2026-W53");
        assertThat(IsoWeek.lastFull(at("2026-01-05T07:00:00Z")).toString()).isEqualTo("2026-W01");
        IsoWeek w47 = IsoWeek.parse("2026-W47");
        assertThat(w47.monday()).isEqualTo(LocalDate.of(2026, 11, 16));
        assertThat(w47.sunday()).isEqualTo(LocalDate.of(2026, 11, 22));
        assertThat(IsoWeek.parse("2026-W01").monday()).isEqualTo(LocalDate.of(2025, 12, 29));
    }

    @Test
    void badWeeksAreRefused() {
        assertThatThrownBy(() -> IsoWeek.parse("2026-47")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IsoWeek.parse("2025-W53")).isInstanceOf(IllegalArgumentException.class);
        assertThat(IsoWeek.parse("2026-W53").toString()).isEqualTo("2026-W53");
    }

    @Test
    void statsCountNormaliseAndTakeNearestRankPercentiles() {
        IsoWeek w = IsoWeek.parse("2026-W47");
        List<ReportRow> rows = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            String session = i % 10 == 0 ? "anonymous" : "s" + (i % 7);
            String type = i <= 50 ? "full" : i <= 80 ? "partial" : "none";
            rows.add(new ReportRow(
                    i % 4 == 0 ? "  Java? " : i % 4 == 1 ? "JAVA?" : "q" + (i % 13),
                    session,
                    type,
                    i % 2 == 0 ? 80 : 40,
                    i * 10L));
        }
        WeeklyStats s = WeeklyStats.of(w, rows);
        assertThat(s.totalQueries()).isEqualTo(100);
        assertThat(s.anonymousQueries()).isEqualTo(10);
        assertThat(s.uniqueSessions()).isEqualTo(7);
        assertThat(s.matchTypes())
                .containsEntry("full", 50)
                .containsEntry("partial", 30)
                .containsEntry("none", 20);
        assertThat(s.averageMatchScore()).isEqualTo(60.0);
        assertThat(s.latencyP50()).isEqualTo(500);
        assertThat(s.latencyP95()).isEqualTo(950);
        assertThat(s.latencyP99()).isEqualTo(990);
        assertThat(s.topQueries().get(0)).isEqualTo(new WeeklyStats.TopQuery("java?", 50));
        assertThat(s.topQueries()).hasSize(10);
        assertThat(WeeklyStats.of(w, List.of()).empty()).isTrue();
    }

    /** Records without latencyMs (the original notifier's) are unknown, not zero: left out, or "n/a" when none has one. */
    @Test
    void missingLatencyIsUnknownNotZero() {
        IsoWeek w = IsoWeek.parse("2026-W47");
        List<ReportRow> rows = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            rows.add(new ReportRow("q", "s", "full", 50, i * 1000L));
            rows.add(new ReportRow("q", "s", "full", 50, null));
        }
        WeeklyStats s = WeeklyStats.of(w, rows);
        assertThat(s.latencyCount()).isEqualTo(4);
        assertThat(s.latencyP50()).isEqualTo(2000); // nearest rank over 1000..4000, not over four zeros as well
        assertThat(s.latencyP99()).isEqualTo(4000);
        String text = new ReportRenderer().render(s).text();
        assertThat(text).contains("p50: 2000 ms", "from the 4 of 8 records that have a latency");

        WeeklyStats none = WeeklyStats.of(w, List.of(new ReportRow("q", "s", "none", 0, null)));
        assertThat(none.latencyKnown()).isFalse();
        ReportRenderer.Rendered r = new ReportRenderer().render(none);
        assertThat(r.text())
                .contains("p50: n/a", "p95: n/a", "p99: n/a", "no record of this week has a latency")
                .doesNotContain("0 ms");
        assertThat(r.html()).contains("<td>n/a</td>").doesNotContain("0 ms");
    }
}
