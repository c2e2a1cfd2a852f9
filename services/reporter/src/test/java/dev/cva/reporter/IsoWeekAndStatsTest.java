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
            rows.add(new ReportRow(i % 4 == 0 ? "  Java? " : i % 4 == 1 ? "JAVA?" : "q" + (i % 13), session, type, i % 2 == 0 ? 80 : 40, i * 10L));
        }
        WeeklyStats s = WeeklyStats.of(w, rows);
        assertThat(s.totalQueries()).isEqualTo(100);
        assertThat(s.anonymousQueries()).isEqualTo(10);
        assertThat(s.uniqueSessions()).isEqualTo(7);
        assertThat(s.matchTypes()).containsEntry("full", 50).containsEntry("partial", 30).containsEntry("none", 20);
        assertThat(s.averageMatchScore()).isEqualTo(60.0);
        assertThat(s.latencyP50()).isEqualTo(500);
        assertThat(s.latencyP95()).isEqualTo(950);
        assertThat(s.latencyP99()).isEqualTo(990);
        assertThat(s.topQueries().get(0)).isEqualTo(new WeeklyStats.TopQuery("java?", 50));
        assertThat(s.topQueries()).hasSize(10);
        assertThat(WeeklyStats.of(w, List.of()).empty()).isTrue();
    }
}
