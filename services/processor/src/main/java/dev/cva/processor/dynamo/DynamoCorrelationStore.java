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
 * one half in {@code queryEvent} or {@code responseEvent}, its {@code traceId}) and analytics records (pk {@code requestId}, plus
 * {@code week} and {@code timestamp} for the {@code week-index} GSI). Each call is one single-item DynamoDB request
 * (no transactions: they cost twice the write units, and moto copies whole tables for them). A blocked park returns
 * the row that blocked it (ReturnValuesOnConditionCheckFailure), which saves a read. No write replaces a row that
 * holds the other half, live or past its TTL: a half replayed from the DLQ after the TTL still finds its partner.
 */
public final class DynamoCorrelationStore implements CorrelationStore {
    static final String PK = "requestId";
    static final String TTL = "ttl";
    static final String TRACE_ID = "traceId";

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
    public Interim findInterim(String requestId) {
        GetItemResponse r = call(
                "GetItem",
                () -> dynamo.getItem(
                        b -> b.tableName(interimTable).key(key(requestId)).consistentRead(true)));
        return r.hasItem() ? interim(r.item()) : null;
    }

    @Override
    public ParkResult park(ChatEvent event, long ttlEpochSeconds) {
        try {
            dynamo.putItem(b -> b.tableName(interimTable)
                    .item(row(event.requestId(), event.type(), event.json(), event.traceId(), ttlEpochSeconds))
                    // no row at all: one past its TTL may hold the partner (DynamoDB deletes it days later)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new ParkResult(true, null);
        } catch (ConditionalCheckFailedException e) {
            return new ParkResult(false, e.hasItem() ? interim(e.item()) : null);
        } catch (SdkException e) {
            throw translate("PutItem", e);
        }
    }

    @Override
    public boolean repark(
            String requestId, EventType type, String json, String traceId, Interim seen, long ttlEpochSeconds) {
        // the row as seen (its TTL unchanged, so no one re-parked it) and still without the other half; DynamoDB
        // refuses unused expression names and values, so each case names only what it uses
        Map<String, String> names = new java.util.HashMap<>(Map.of("#ttl", TTL, "#other", halfAttribute(type.other())));
        String sameRow;
        Map<String, AttributeValue> values = null;
        if (seen.ttl() == null) {
            sameRow = "attribute_exists(#pk) AND attribute_not_exists(#ttl)";
            names.put("#pk", PK);
        } else {
            sameRow = "#ttl = :seen";
            values = Map.of(":seen", AttributeValue.fromN(Long.toString(seen.ttl())));
        }
        String condition = sameRow + " AND attribute_not_exists(#other)";
        Map<String, AttributeValue> conditionValues = values;
        try {
            dynamo.putItem(b -> b.tableName(interimTable)
                    .item(row(requestId, type, json, traceId, ttlEpochSeconds))
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(conditionValues));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw translate("PutItem", e);
        }
    }

    @Override
    public boolean putRecord(AnalyticsRecord record) {
        try {
            dynamo.putItem(b -> b.tableName(analyticsTable)
                    .item(AnalyticsItems.toItem(record))
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
        call(
                "DeleteItem",
                () -> dynamo.deleteItem(b -> b.tableName(interimTable).key(key(requestId))));
    }

    private static Map<String, AttributeValue> row(
            String requestId, EventType type, String json, String traceId, long ttl) {
        Map<String, AttributeValue> row = new java.util.HashMap<>(Map.of(
                PK,
                AttributeValue.fromS(requestId),
                halfAttribute(type),
                AttributeValue.fromS(json),
                TTL,
                AttributeValue.fromN(Long.toString(ttl))));
        if (traceId != null) {
            row.put(TRACE_ID, AttributeValue.fromS(traceId)); // the parked half's; the record takes it on
        }
        return row;
    }

    /** The row's halves and TTL, or null when there is no row. */
    private static Interim interim(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return null;
        }
        AttributeValue ttl = item.get(TTL);
        return new Interim(
                s(item.get(halfAttribute(EventType.QUERY))),
                s(item.get(halfAttribute(EventType.RESPONSE))),
                ttl == null || ttl.n() == null ? null : Long.parseLong(ttl.n()),
                s(item.get(TRACE_ID)));
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
