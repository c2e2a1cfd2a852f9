package dev.cva.processor.dynamo;

import dev.cva.processor.AnalyticsRecord;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB item of an analytics record: one attribute per contract field, {@code performance} as a map, and
 * {@code traceId} when the record has one.
 */
public final class AnalyticsItems {
    private AnalyticsItems() {}

    public static Map<String, AttributeValue> toItem(AnalyticsRecord r) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("requestId", AttributeValue.fromS(r.requestId()));
        item.put("query", AttributeValue.fromS(r.query()));
        item.put("matchType", AttributeValue.fromS(r.matchType()));
        item.put("matchScore", n(r.matchScore()));
        item.put("reasoning", AttributeValue.fromS(r.reasoning()));
        if (r.vectorMatches() != null) {
            item.put("vectorMatches", AttributeValue.fromN(Integer.toString(r.vectorMatches())));
        }
        item.put("sessionId", AttributeValue.fromS(r.sessionId()));
        item.put("week", AttributeValue.fromS(r.week())); // GSI week-index partition key
        item.put("timestamp", AttributeValue.fromN(Long.toString(r.timestamp()))); // GSI sort key
        item.put("responseTimestamp", AttributeValue.fromN(Long.toString(r.responseTimestamp())));
        item.put("latencyMs", AttributeValue.fromN(Long.toString(r.latencyMs())));
        if (r.performance() != null) {
            Map<String, AttributeValue> p = new LinkedHashMap<>();
            AnalyticsRecord.Performance perf = r.performance();
            if (perf.totalTime() != null) p.put("totalTime", n(perf.totalTime()));
            if (perf.llmTime() != null) p.put("llmTime", n(perf.llmTime()));
            if (perf.retrievalTime() != null) p.put("retrievalTime", n(perf.retrievalTime()));
            if (perf.cacheHit() != null) p.put("cacheHit", AttributeValue.fromBool(perf.cacheHit()));
            item.put("performance", AttributeValue.fromM(p));
        }
        if (r.traceId() != null) {
            // stream records carry no trace context: the record carries it to the notifier
            item.put("traceId", AttributeValue.fromS(r.traceId()));
        }
        return item;
    }

    private static AttributeValue n(double value) {
        return AttributeValue.fromN(
                BigDecimal.valueOf(value).stripTrailingZeros().toPlainString());
    }
}
