package dev.cva.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;

/**
 * A query correlated with its response: the {@code analytics-record} contract (design notes, section 2).
 * Optional parts are {@code null} when the response did not send them.
 */
public record AnalyticsRecord(
        String requestId,
        String query,
        String matchType,
        double matchScore,
        String reasoning,
        Integer vectorMatches,
        String sessionId,
        String week,
        long timestamp,
        long responseTimestamp,
        long latencyMs,
        Performance performance,
        String traceId) {

    public static final String ANONYMOUS = "anonymous";

    /** {@code performance} of the response event; any field may be absent. */
    public record Performance(Double totalTime, Double llmTime, Double retrievalTime, Boolean cacheHit) {}

    /** Without a trace id (records written before trace ids existed). */
    public AnalyticsRecord(
            String requestId,
            String query,
            String matchType,
            double matchScore,
            String reasoning,
            Integer vectorMatches,
            String sessionId,
            String week,
            long timestamp,
            long responseTimestamp,
            long latencyMs,
            Performance performance) {
        this(
                requestId,
                query,
                matchType,
                matchScore,
                reasoning,
                vectorMatches,
                sessionId,
                week,
                timestamp,
                responseTimestamp,
                latencyMs,
                performance,
                null);
    }

    /**
     * Correlates the two halves; both must carry the same requestId. The record keeps the query's trace id when the
     * halves carry different ones: the query starts the conversation (the chatbot sends it first, and it is the
     * half the user's request began), so its trace is the one upstream tools started; the response's is used only
     * when the query has none (a half parked before trace ids existed).
     */
    public static AnalyticsRecord of(ChatEvent query, ChatEvent response) {
        if (query.type() != EventType.QUERY || response.type() != EventType.RESPONSE) {
            throw new IllegalArgumentException(
                    "need a query and a response, got " + query.type() + " and " + response.type());
        }
        if (!query.requestId().equals(response.requestId())) {
            throw new IllegalArgumentException("requestIds differ");
        }
        JsonNode q = query.node();
        JsonNode r = response.node();
        String session = text(q, "sessionId");
        if (session == null) {
            session = text(r, "sessionId");
        }
        JsonNode perf = r.get("performance");
        Performance performance = perf != null && perf.isObject()
                ? new Performance(
                        number(perf, "totalTime"),
                        number(perf, "llmTime"),
                        number(perf, "retrievalTime"),
                        perf.hasNonNull("cacheHit") ? perf.get("cacheHit").asBoolean() : null)
                : null;
        return new AnalyticsRecord(
                query.requestId(),
                q.get("query").asText(),
                r.get("matchType").asText(),
                r.get("matchScore").asDouble(),
                r.get("reasoning").asText(),
                r.hasNonNull("vectorMatches") ? r.get("vectorMatches").asInt() : null,
                session == null ? ANONYMOUS : session,
                isoWeek(query.timestamp()),
                query.timestamp(),
                response.timestamp(),
                response.timestamp() - query.timestamp(),
                performance,
                query.traceId() != null ? query.traceId() : response.traceId());
    }

    /** The ISO-8601 week of an epoch-millisecond instant in UTC, e.g. {@code 2026-W47}. */
    public static String isoWeek(long epochMillis) {
        ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
        return String.format("%d-W%02d", t.get(IsoFields.WEEK_BASED_YEAR), t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /** The record as its contract's JSON document (whole numbers are written without a fraction). */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode n = mapper.createObjectNode();
        n.put("requestId", requestId);
        n.put("query", query);
        n.put("matchType", matchType);
        putNumber(n, "matchScore", matchScore);
        n.put("reasoning", reasoning);
        if (vectorMatches != null) {
            n.put("vectorMatches", vectorMatches);
        }
        n.put("sessionId", sessionId);
        n.put("week", week);
        n.put("timestamp", timestamp);
        n.put("responseTimestamp", responseTimestamp);
        n.put("latencyMs", latencyMs);
        if (performance != null) {
            ObjectNode p = n.putObject("performance");
            if (performance.totalTime() != null) putNumber(p, "totalTime", performance.totalTime());
            if (performance.llmTime() != null) putNumber(p, "llmTime", performance.llmTime());
            if (performance.retrievalTime() != null) putNumber(p, "retrievalTime", performance.retrievalTime());
            if (performance.cacheHit() != null) p.put("cacheHit", performance.cacheHit());
        }
        if (traceId != null) {
            n.put("traceId", traceId);
        }
        return n;
    }

    private static void putNumber(ObjectNode n, String field, double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            n.put(field, (long) value);
        } else {
            n.put(field, value);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }

    private static Double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.asDouble() : null;
    }
}
