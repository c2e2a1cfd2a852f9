package dev.cva.reporter.aws;

import dev.cva.reporter.IsoWeek;
import dev.cva.reporter.ReportException;
import dev.cva.reporter.ReportMarkers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Markers as items {@code requestId = "report#2026-W47"} in the query-events table (its key is a string and its
 * TTL tidies old markers; {@code ttl} is set far beyond any schedule retry).
 */
public final class DynamoReportMarkers implements ReportMarkers {
    static final Duration KEEP = Duration.ofDays(400);

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoReportMarkers(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String key(IsoWeek week) {
        return "report#" + week;
    }

    @Override
    public boolean claim(IsoWeek week, Instant now, boolean force) {
        try {
            dynamo.putItem(b -> {
                b.tableName(table)
                        .item(Map.of(
                                "requestId", AttributeValue.fromS(key(week)),
                                "state", AttributeValue.fromS(Marker.SENDING),
                                "claimedAt", AttributeValue.fromS(now.toString()),
                                "ttl",
                                        AttributeValue.fromN(
                                                Long.toString(now.plus(KEEP).getEpochSecond()))));
                if (!force) {
                    b.conditionExpression("attribute_not_exists(requestId)");
                }
            });
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw new ReportException(
                    "DynamoDB PutItem (report marker) failed: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public Marker find(IsoWeek week) {
        try {
            GetItemResponse r = dynamo.getItem(b ->
                    b.tableName(table).consistentRead(true).key(Map.of("requestId", AttributeValue.fromS(key(week)))));
            if (!r.hasItem() || r.item().isEmpty()) {
                return null;
            }
            AttributeValue claimed = r.item().get("claimedAt");
            AttributeValue id = r.item().get("messageId");
            AttributeValue state = r.item().get("state");
            return new Marker(
                    state == null ? null : state.s(),
                    claimed == null ? null : Instant.parse(claimed.s()),
                    id == null ? null : id.s());
        } catch (SdkException e) {
            throw new ReportException(
                    "DynamoDB GetItem (report marker) failed: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void markSent(IsoWeek week, String messageId, Instant now) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of("requestId", AttributeValue.fromS(key(week))))
                    .updateExpression("SET #s = :sent, messageId = :id, sentAt = :at")
                    .expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(
                            ":sent",
                            AttributeValue.fromS(Marker.SENT),
                            ":id",
                            AttributeValue.fromS(messageId == null ? "-" : messageId),
                            ":at",
                            AttributeValue.fromS(now.toString()))));
        } catch (SdkException e) {
            throw new ReportException(
                    "DynamoDB UpdateItem (report marker) failed: "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    @Override
    public void release(IsoWeek week) {
        try {
            dynamo.deleteItem(b -> b.tableName(table)
                    .key(Map.of("requestId", AttributeValue.fromS(key(week))))
                    .conditionExpression("#s = :sending")
                    .expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(":sending", AttributeValue.fromS(Marker.SENDING))));
        } catch (ConditionalCheckFailedException e) {
            // already sent or gone: nothing to release
        } catch (SdkException e) {
            throw new ReportException(
                    "DynamoDB DeleteItem (report marker) failed: "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }
}
