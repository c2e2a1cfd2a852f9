package dev.cva.receiver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one stored record adds to its day's counters ({@code stats/{yyyy-mm-dd}/shards/{n}}), the rollups the
 * dashboard listens to instead of the records (Firestore cannot listen to an aggregation nor compute a
 * percentile): {@code total}, {@code matchType_<type>}, {@code scoreSum} (sum of {@code matchScore}) and one
 * latency histogram bucket. Latency is event to Firestore: {@code receivedAt - timestamp}, 0 when the sender's
 * clock is ahead. The buckets are fixed; a field {@code latency_le_<ms>} counts records with latency at most
 * {@code ms} and above the previous bound, {@code latency_gt_<last>} the rest. Readers derive the bounds from the
 * field names, so adding a bound later keeps old days readable.
 */
public final class DailyRollup {
    /** Upper bounds (inclusive, ms) of the latency buckets, ascending. */
    public static final List<Long> LATENCY_BOUNDS_MS = List.of(25L, 50L, 100L, 200L, 500L, 1_000L, 2_000L, 5_000L,
            10_000L, 30_000L, 60_000L);
    public static final String TOTAL = "total";
    public static final String SCORE_SUM = "scoreSum";
    public static final String MATCH_TYPE_PREFIX = "matchType_";
    public static final String LATENCY_PREFIX = "latency_";

    private DailyRollup() {}

    /** The counter fields one record increments, each by the returned amount (a Long or a Double). */
    public static Map<String, Number> increments(AnalyticsRecord record) {
        Map<String, Number> inc = new LinkedHashMap<>();
        inc.put(TOTAL, 1L);
        inc.put(MATCH_TYPE_PREFIX + record.matchType(), 1L);
        inc.put(SCORE_SUM, record.matchScore());
        inc.put(latencyBucket(record.receivedAt() - record.timestamp()), 1L);
        return inc;
    }

    /** The field name of the bucket that counts {@code latencyMs} (negative counts as 0). */
    public static String latencyBucket(long latencyMs) {
        long ms = Math.max(0, latencyMs);
        for (long bound : LATENCY_BOUNDS_MS) {
            if (ms <= bound) {
                return LATENCY_PREFIX + "le_" + bound;
            }
        }
        return LATENCY_PREFIX + "gt_" + LATENCY_BOUNDS_MS.get(LATENCY_BOUNDS_MS.size() - 1);
    }
}
