package dev.cva.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DailyRollupTest {

    @Test
    void aRecordIncrementsItsTotalTypeScoreAndOneLatencyBucket() throws Exception {
        JsonNode data = Webhooks.JSON.readTree(Webhooks.body("partial-match", Webhooks.newId())).get("data");
        AnalyticsRecord r = AnalyticsRecord.from(data, Instant.ofEpochMilli(data.get("timestamp").asLong() + 150));
        assertThat(DailyRollup.increments(r)).containsExactly(
                java.util.Map.entry("total", 1L),
                java.util.Map.entry("matchType_partial", 1L),
                java.util.Map.entry("scoreSum", data.get("matchScore").asDouble()),
                java.util.Map.entry("latency_le_200", 1L));
    }

    @Test
    void bucketsAreInclusiveUpperBoundsWithAnOverflow() {
        assertThat(DailyRollup.latencyBucket(-1)).isEqualTo("latency_le_25");
        assertThat(DailyRollup.latencyBucket(100)).isEqualTo("latency_le_100");
        assertThat(DailyRollup.latencyBucket(101)).isEqualTo("latency_le_200");
        assertThat(DailyRollup.latencyBucket(Long.MAX_VALUE)).isEqualTo("latency_gt_60000");
    }
}
