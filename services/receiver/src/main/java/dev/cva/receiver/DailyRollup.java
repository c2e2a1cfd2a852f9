package dev.cva.receiver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one stored record adds to its day's counters ({@code stats/{yyyy-mm-dd}/shards/{n}}), the rollups the
 * dashboard listens to instead of the records (Firestore cannot listen to an aggregation nor compute a
 * percentile): {@code total}, {@code matchType_<type>}, {@code scoreSum} (sum of {@code matchScore}) and one
 * latency histogram bucket. Latency is event to Firestore: {@code receivedAt - timestamp}, 0 when the sender's
 * clock is ahead. The buckets are fixed; a field {@code latency_le_<ms>} counts records with latency at most
 * {@code ms} and above the previous bound, {@code latency_gt_<last>} the rest. Readers derive the bounds from the
 * field names, so adding a bound later keeps old days readable.
 *
 * <p>For the dashboard's charts over time, every field set is bounded (a shard holds at most about 3,800 fields,
 * far under Firestore's 20,000 and its 1 MiB), and all of it lands in the same shard document, so a listener is
 * still billed one read per record:
 * <ul>
 *   <li>{@code minute_<HHmm>}: records per UTC minute of {@code timestamp} (the per-minute throughput line);</li>
 *   <li>{@code hour_<HH>_latency_le_<ms>} / {@code hour_<HH>_latency_gt_<last>}: the latency histogram per UTC hour
 *       (p50/p95 over time);</li>
 *   <li>{@code score_le_<n>}: {@code matchScore} in buckets of 10 (0..10, 10..20, …, 90..100; bounds inclusive);</li>
 *   <li>{@code topq_<slot>_n} and {@code topq_<slot>_q}: the top queries. The query, trimmed, lower-cased, blanks
 *       collapsed and cut to {@value #QUERY_CHARS} characters, picks one of {@value #QUERY_SLOTS} slots by its
 *       SHA-256; {@code _n} counts the slot, {@code _q} holds the latest text. Two queries that share a slot are
 *       counted together under the later one: an approximation that keeps the document bounded whatever the
 *       chatbot is asked.</li>
 * </ul>
 */
public final class DailyRollup {
    /** Upper bounds (inclusive, ms) of the latency buckets, ascending. */
    public static final List<Long> LATENCY_BOUNDS_MS =
            List.of(25L, 50L, 100L, 200L, 500L, 1_000L, 2_000L, 5_000L, 10_000L, 30_000L, 60_000L);

    public static final String TOTAL = "total";
    public static final String SCORE_SUM = "scoreSum";
    public static final String MATCH_TYPE_PREFIX = "matchType_";
    public static final String LATENCY_PREFIX = "latency_";
    public static final String MINUTE_PREFIX = "minute_";
    public static final String HOUR_PREFIX = "hour_";
    public static final String SCORE_PREFIX = "score_le_";
    public static final String TOP_QUERY_PREFIX = "topq_";
    /** Slots of the top-queries sketch. */
    public static final int QUERY_SLOTS = 1024;
    /** Longest normalized query kept, in characters. */
    public static final int QUERY_CHARS = 100;

    private DailyRollup() {}

    /** The counter fields one record increments, each by the returned amount (a Long or a Double). */
    public static Map<String, Number> increments(AnalyticsRecord record) {
        Map<String, Number> inc = new LinkedHashMap<>();
        inc.put(TOTAL, 1L);
        inc.put(MATCH_TYPE_PREFIX + record.matchType(), 1L);
        inc.put(SCORE_SUM, record.matchScore());
        String latency = latencyBucket(record.receivedAt() - record.timestamp());
        inc.put(latency, 1L);
        ZonedDateTime at = Instant.ofEpochMilli(record.timestamp()).atZone(ZoneOffset.UTC);
        inc.put(String.format(Locale.ROOT, "%s%02d%02d", MINUTE_PREFIX, at.getHour(), at.getMinute()), 1L);
        inc.put(String.format(Locale.ROOT, "%s%02d_%s", HOUR_PREFIX, at.getHour(), latency), 1L);
        inc.put(scoreBucket(record.matchScore()), 1L);
        String query = normalizeQuery(record.fields().get("query"));
        if (!query.isEmpty()) {
            inc.put(TOP_QUERY_PREFIX + querySlot(query) + "_n", 1L);
        }
        return inc;
    }

    /**
     * The plain values one record sets (not increments): the latest text of its top-queries slot ({@code
     * topq_<slot>_q}); empty when the record has no query.
     */
    public static Map<String, String> labels(AnalyticsRecord record) {
        String query = normalizeQuery(record.fields().get("query"));
        return query.isEmpty() ? Map.of() : Map.of(TOP_QUERY_PREFIX + querySlot(query) + "_q", query);
    }

    /** The field of the score bucket that counts {@code score}: {@code score_le_10} for 0..10, then by tens. */
    public static String scoreBucket(double score) {
        long bound = Math.max(10, Math.min(100, (long) Math.ceil(score / 10.0) * 10));
        return SCORE_PREFIX + bound;
    }

    /** Trimmed, lower-cased, blanks collapsed, at most {@value #QUERY_CHARS} characters (whole code points). */
    public static String normalizeQuery(Object query) {
        if (!(query instanceof String text)) {
            return "";
        }
        String q = text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        if (q.codePointCount(0, q.length()) > QUERY_CHARS) {
            q = q.substring(0, q.offsetByCodePoints(0, QUERY_CHARS)).strip();
        }
        return q;
    }

    /** The sketch slot of a normalized query: its SHA-256's first two bytes modulo {@value #QUERY_SLOTS}. */
    public static int querySlot(String normalized) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8));
            return (((h[0] & 0xff) << 8) | (h[1] & 0xff)) % QUERY_SLOTS;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
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
