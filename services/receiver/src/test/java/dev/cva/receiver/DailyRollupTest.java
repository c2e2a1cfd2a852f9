package dev.cva.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DailyRollupTest {

    @Test
    void aRecordIncrementsItsTotalTypeScoreAndOneLatencyBucket() throws Exception {
        JsonNode data = Webhooks.JSON
                .readTree(Webhooks.body("partial-match", Webhooks.newId()))
                .get("data");
        AnalyticsRecord r = AnalyticsRecord.from(
                data, Instant.ofEpochMilli(data.get("timestamp").asLong() + 150));
        java.time.ZonedDateTime at =
                Instant.ofEpochMilli(data.get("timestamp").asLong()).atZone(java.time.ZoneOffset.UTC);
        String minute = String.format("minute_%02d%02d", at.getHour(), at.getMinute());
        String hour = String.format("hour_%02d_latency_le_200", at.getHour());
        String query = DailyRollup.normalizeQuery(data.get("query").asText());
        assertThat(DailyRollup.increments(r))
                .containsExactly(
                        java.util.Map.entry("total", 1L),
                        java.util.Map.entry("matchType_partial", 1L),
                        java.util.Map.entry("scoreSum", data.get("matchScore").asDouble()),
                        java.util.Map.entry("latency_le_200", 1L),
                        java.util.Map.entry(minute, 1L),
                        java.util.Map.entry(hour, 1L),
                        java.util.Map.entry(
                                DailyRollup.scoreBucket(data.get("matchScore").asDouble()), 1L),
                        java.util.Map.entry("topq_" + DailyRollup.querySlot(query) + "_n", 1L));
        assertThat(DailyRollup.labels(r))
                .containsExactly(java.util.Map.entry("topq_" + DailyRollup.querySlot(query) + "_q", query));
    }

    @Test
    void scoresFallInBucketsOfTenWithInclusiveUpperBounds() {
        assertThat(DailyRollup.scoreBucket(0)).isEqualTo("score_le_10");
        assertThat(DailyRollup.scoreBucket(10)).isEqualTo("score_le_10");
        assertThat(DailyRollup.scoreBucket(10.01)).isEqualTo("score_le_20");
        assertThat(DailyRollup.scoreBucket(92)).isEqualTo("score_le_100");
        assertThat(DailyRollup.scoreBucket(100)).isEqualTo("score_le_100");
    }

    @Test
    void queriesAreNormalizedBeforeTheyPickASlotSoSpellingsOfOneQuestionCountTogether() {
        assertThat(DailyRollup.normalizeQuery("  Which   CLOUD\tskills?  ")).isEqualTo("which cloud skills?");
        assertThat(DailyRollup.querySlot(DailyRollup.normalizeQuery("Which cloud skills?")))
                .isEqualTo(DailyRollup.querySlot(DailyRollup.normalizeQuery("which  cloud skills?")));
        assertThat(DailyRollup.normalizeQuery("x".repeat(500))).hasSize(DailyRollup.QUERY_CHARS);
        assertThat(DailyRollup.normalizeQuery("\uD83D\uDE00".repeat(200)).codePointCount(0, 200))
                .isEqualTo(DailyRollup.QUERY_CHARS);
        assertThat(DailyRollup.normalizeQuery(null)).isEmpty();
        for (String q : java.util.List.of("a", "b", "what is kubernetes", "x".repeat(100))) {
            assertThat(DailyRollup.querySlot(q)).isBetween(0, DailyRollup.QUERY_SLOTS - 1);
        }
    }

    @Test
    void bucketsAreInclusiveUpperBoundsWithAnOverflow() {
        assertThat(DailyRollup.latencyBucket(-1)).isEqualTo("latency_le_25");
        assertThat(DailyRollup.latencyBucket(100)).isEqualTo("latency_le_100");
        assertThat(DailyRollup.latencyBucket(101)).isEqualTo("latency_le_200");
        assertThat(DailyRollup.latencyBucket(Long.MAX_VALUE)).isEqualTo("latency_gt_60000");
    }
}
