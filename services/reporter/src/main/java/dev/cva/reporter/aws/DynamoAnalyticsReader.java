package dev.cva.reporter.aws;

import dev.cva.reporter.AnalyticsReader;
import dev.cva.reporter.IsoWeek;
import dev.cva.reporter.ReportException;
import dev.cva.reporter.ReportRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Reads a week through the {@code week-index} GSI (pk {@code week}, sk {@code timestamp}), page after page. */
public final class DynamoAnalyticsReader implements AnalyticsReader {
    private final DynamoDbClient dynamo;
    private final String table;
    private final String index;
    private final Integer pageSize;

    /** @param pageSize items per Query page, or {@code null} for DynamoDB's 1 MB pages */
    public DynamoAnalyticsReader(DynamoDbClient dynamo, String table, String index, Integer pageSize) {
        this.dynamo = dynamo;
        this.table = table;
        this.index = index;
        this.pageSize = pageSize;
    }

    @Override
    public List<ReportRow> week(IsoWeek week) {
        List<ReportRow> rows = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                QueryRequest.Builder q = QueryRequest.builder()
                        .tableName(table)
                        .indexName(index)
                        .keyConditionExpression("#w = :w")
                        .projectionExpression("#q, sessionId, matchType, matchScore, latencyMs")
                        .expressionAttributeNames(Map.of("#w", "week", "#q", "query"))
                        .expressionAttributeValues(Map.of(":w", AttributeValue.fromS(week.toString())));
                if (pageSize != null) {
                    q.limit(pageSize);
                }
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse page = dynamo.query(q.build());
                page.items().forEach(item -> rows.add(row(item)));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
        } catch (SdkException e) {
            throw new ReportException(
                    "DynamoDB Query on " + index + " failed: " + e.getClass().getSimpleName(), e);
        }
        return rows;
    }

    private static ReportRow row(Map<String, AttributeValue> item) {
        return new ReportRow(
                s(item, "query"), s(item, "sessionId"), s(item, "matchType"), n(item, "matchScore"), latency(item));
    }

    /** {@code null} when the record has no latency (unknown, not zero). */
    private static Long latency(Map<String, AttributeValue> item) {
        AttributeValue v = item.get("latencyMs");
        return v == null || v.n() == null ? null : (long) Double.parseDouble(v.n());
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static double n(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Double.parseDouble(v.n());
    }
}
