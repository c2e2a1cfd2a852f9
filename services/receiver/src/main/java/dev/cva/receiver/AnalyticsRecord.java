package dev.cva.receiver;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytics record of a validated webhook body, as stored: the contract's fields of {@code data}
 * (unknown extra fields are dropped, so nothing unexpected reaches the store) plus {@code receivedAt}
 * (epoch milliseconds, like every timestamp of the contracts) and, when the webhook carried a valid
 * {@code traceparent}, {@code traceId} (optional in the contract: readers such as the dashboard ignore it).
 */
public record AnalyticsRecord(String requestId, String matchType, long timestamp, Map<String, Object> fields) {

    static final List<String> FIELDS = List.of(
            "requestId",
            "query",
            "matchType",
            "matchScore",
            "reasoning",
            "vectorMatches",
            "sessionId",
            "week",
            "timestamp",
            "responseTimestamp",
            "latencyMs",
            "performance");
    static final List<String> PERFORMANCE_FIELDS = List.of("totalTime", "llmTime", "retrievalTime", "cacheHit");

    public AnalyticsRecord {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The UTC day of the record's {@code timestamp}: the document id of its daily counters. */
    public LocalDate day() {
        return Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** {@code matchScore} (required by the contract, 0..100). */
    public double matchScore() {
        return fields.get("matchScore") instanceof Number n ? n.doubleValue() : 0;
    }

    /** When the receiver accepted it, epoch ms. */
    public long receivedAt() {
        return fields.get("receivedAt") instanceof Number n ? n.longValue() : timestamp;
    }

    /**
     * Builds the record from the {@code data} of a body that already passed the contract.
     *
     * @throws UnstorableException when a value cannot be stored (e.g. an integer beyond 64 bits)
     */
    public static AnalyticsRecord from(JsonNode data, Instant receivedAt) {
        return from(data, receivedAt, null);
    }

    /** @param traceId the W3C trace id of the request's {@code traceparent}, or {@code null} */
    public static AnalyticsRecord from(JsonNode data, Instant receivedAt, String traceId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String name : FIELDS) {
            JsonNode value = data.get(name);
            if (value == null) {
                continue;
            }
            if (name.equals("performance") && value.isObject()) {
                Map<String, Object> perf = new LinkedHashMap<>();
                for (String p : PERFORMANCE_FIELDS) {
                    if (value.has(p)) {
                        perf.put(p, convert("$.data.performance." + p, value.get(p)));
                    }
                }
                fields.put(name, perf);
            } else {
                fields.put(name, convert("$.data." + name, value));
            }
        }
        fields.put("receivedAt", receivedAt.toEpochMilli());
        if (traceId != null) {
            fields.put("traceId", traceId);
        }
        JsonNode ts = data.path("timestamp");
        if (!ts.canConvertToLong()) {
            throw new UnstorableException("$.data.timestamp", "timestamp does not fit in 64 bits");
        }
        return new AnalyticsRecord(
                data.path("requestId").asText(), data.path("matchType").asText(), ts.asLong(), fields);
    }

    private static Object convert(String path, JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new UnstorableException(path, "integer does not fit in 64 bits");
            }
            return node.longValue();
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new UnstorableException(path, "number is out of range");
            }
            return d;
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            int i = 0;
            for (JsonNode item : node) {
                list.add(convert(path + "[" + i++ + "]", item));
            }
            return list;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), convert(path + "." + e.getKey(), e.getValue())));
            return map;
        }
        throw new UnstorableException(path, "unsupported JSON value");
    }
}
