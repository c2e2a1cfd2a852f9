package dev.cva.processor.dynamo;

import dev.cva.processor.AnalyticsRecord;
import dev.cva.processor.ChatEvent;
import dev.cva.processor.CorrelationStore;
import dev.cva.processor.EventType;
import dev.cva.processor.StoreException;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * {@link CorrelationStore} on two DynamoDB tables: interim rows (pk {@code requestId}, TTL attribute {@code ttl},
 * one half in {@code queryEvent} or {@code responseEvent}) and analytics records (pk {@code requestId}, plus
 * {@code week} and {@code timestamp} for the {@code week-index} GSI). Each call is one single-item DynamoDB request
 * (no transactions: they cost twice the write units, and moto copies whole tables for them). A blocked park returns
 * the row that blocked it (ReturnValuesOnConditionCheckFailure), which saves a read.
 */
public final class DynamoCorrelationStore implements CorrelationStore {
    static final String PK = "requestId";
    static final String TTL = "ttl";
    private static final String NOT_LIVE = "attribute_not_exists(#pk) OR #ttl < :now";

    private final DynamoDbClient dynamo;
    private final String interimTable;
    private final String analyticsTable;

    public DynamoCorrelationStore(DynamoDbClient dynamo, String interimTable, String analyticsTable) {
        this.dynamo = dynamo;
        this.interimTable = interimTable;
        this.analyticsTable = analyticsTable;
    }

    static String halfAttribute(EventType type) {
        return type == EventType.QUERY ? "queryEvent" : "responseEvent";
    }

    @Override
    public Interim findInterim(String requestId, long nowEpochSeconds) {
        GetItemResponse r = call("GetItem", () -> dynamo.getItem(b -> b.tableName(interimTable)
                .key(key(requestId)).consistentRead(true)));
        return r.hasItem() ? live(r.item(), nowEpochSeconds) : null;
    }

    @Override
    public ParkResult park(ChatEvent event, long ttlEpochSeconds, long nowEpochSeconds) {
        try {
            dynamo.putItem(b -> b.tableName(interimTable)
                    .item(Map.of(PK, AttributeValue.fromS(event.requestId()),
                            halfAttribute(event.type()), AttributeValue.fromS(event.json()),
                            TTL, AttributeValue.fromN(Long.toString(ttlEpochSeconds))))
                    .conditionExpression(NOT_LIVE)
                    .expressionAttributeNames(Map.of("#pk", PK, "#ttl", TTL))
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(nowEpochSeconds))))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new ParkResult(true, null);
        } catch (ConditionalCheckFailedException e) {
            return new ParkResult(false, e.hasItem() ? live(e.item(), nowEpochSeconds) : null);
        } catch (SdkException e) {
            throw translate("PutItem", e);
        }
    }

    @Override
    public boolean putRecord(AnalyticsRecord record) {
        try {
            dynamo.putItem(b -> b.tableName(analyticsTable).item(AnalyticsItems.toItem(record))
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw translate("PutItem", e);
        }
    }

    @Override
    public void deleteInterim(String requestId) {
        call("DeleteItem", () -> dynamo.deleteItem(b -> b.tableName(interimTable).key(key(requestId))));
    }

    /** The row's halves, or null when it is empty or past its TTL. */
    private static Interim live(Map<String, AttributeValue> item, long nowEpochSeconds) {
        if (item == null || item.isEmpty()) {
            return null;
        }
        AttributeValue ttl = item.get(TTL);
        if (ttl != null && ttl.n() != null && Long.parseLong(ttl.n()) < nowEpochSeconds) {
            return null;
        }
        return new Interim(s(item.get(halfAttribute(EventType.QUERY))), s(item.get(halfAttribute(EventType.RESPONSE))));
    }

    private static <T> T call(String operation, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw translate(operation, e);
        }
    }

    private static StoreException translate(String operation, SdkException e) {
        String code = e.getClass().getSimpleName();
        if (e instanceof DynamoDbException d) {
            AwsErrorDetails details = d.awsErrorDetails();
            if (details != null && details.errorCode() != null) {
                code = details.errorCode();
            }
        }
        return new StoreException(code, "DynamoDB " + operation + " failed: " + code, e);
    }

    private static Map<String, AttributeValue> key(String requestId) {
        return Map.of(PK, AttributeValue.fromS(requestId));
    }

    private static String s(AttributeValue v) {
        return v == null ? null : v.s();
    }
}
