package dev.cva.reporter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The figures of one week's report, computed from its records. The latency percentiles are over the
 * {@code latencyCount} records that have a latency; records without one (unknown) are left out, and when none has
 * one the percentiles are unknown ({@link #latencyKnown()} is false), not zero.
 */
public record WeeklyStats(
        IsoWeek week,
        int totalQueries,
        int uniqueSessions,
        int anonymousQueries,
        Map<String, Integer> matchTypes,
        double averageMatchScore,
        long latencyP50,
        long latencyP95,
        long latencyP99,
        int latencyCount,
        List<TopQuery> topQueries) {

    public static final List<String> MATCH_TYPES = List.of("full", "partial", "none");
    public static final int TOP = 10;
    static final String ANONYMOUS = "anonymous";

    public record TopQuery(String query, int count) {}

    public boolean empty() {
        return totalQueries == 0;
    }

    /** Whether any record of the week has a latency. */
    public boolean latencyKnown() {
        return latencyCount > 0;
    }

    public static WeeklyStats of(IsoWeek week, List<ReportRow> rows) {
        Set<String> sessions = new HashSet<>();
        int anonymous = 0;
        Map<String, Integer> types = new LinkedHashMap<>();
        MATCH_TYPES.forEach(t -> types.put(t, 0));
        double scoreSum = 0;
        long[] latencies = new long[rows.size()];
        int known = 0;
        Map<String, Integer> queries = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            ReportRow r = rows.get(i);
            if (r.sessionId() == null || r.sessionId().isBlank() || ANONYMOUS.equals(r.sessionId())) {
                anonymous++;
            } else {
                sessions.add(r.sessionId());
            }
            types.merge(r.matchType() == null ? "unknown" : r.matchType(), 1, Integer::sum);
            scoreSum += r.matchScore();
            if (r.latencyMs() != null) {
                latencies[known++] = r.latencyMs();
            }
            String q = normalise(r.query());
            if (!q.isEmpty()) {
                queries.merge(q, 1, Integer::sum);
            }
        }
        latencies = java.util.Arrays.copyOf(latencies, known);
        java.util.Arrays.sort(latencies);
        List<TopQuery> top = new ArrayList<>();
        queries.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP)
                .forEach(e -> top.add(new TopQuery(e.getKey(), e.getValue())));
        return new WeeklyStats(
                week,
                rows.size(),
                sessions.size(),
                anonymous,
                types,
                rows.isEmpty() ? 0 : scoreSum / rows.size(),
                percentile(latencies, 50),
                percentile(latencies, 95),
                percentile(latencies, 99),
                known,
                top);
    }

    /** Trimmed, inner whitespace collapsed, case-folded: "  Java?" and "java?" are one query. */
    public static String normalise(String query) {
        if (query == null) {
            return "";
        }
        return query.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** Nearest-rank percentile of sorted values; 0 when there are none. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
