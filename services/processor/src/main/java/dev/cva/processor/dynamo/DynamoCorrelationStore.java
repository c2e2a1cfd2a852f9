package dev.cva.processor.dynamo;

import dev.cva.processor.AnalyticsRecord;
import dev.cva.processor.ChatEvent;
import dev.cva.processor.CorrelationStore;
import dev.cva.processor.EventType;
import dev.cva.processor.StoreException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * {@link CorrelationStore} on two DynamoDB tables: interim rows (pk {@code requestId}, TTL attribute {@code ttl},
 * halves in {@code queryEvent} / {@code responseEvent}) and analytics records (pk {@code requestId}, plus
 * {@code week} and {@code timestamp} for the {@code week-index} GSI). Each call is one DynamoDB request.
 * A blocked park returns the row that blocked it (ReturnValuesOnConditionCheckFailure), which saves a read.
 */
public final class DynamoCorrelationStore implements CorrelationStore {
    static final String PK = "requestId";
    static final String TTL = "ttl";

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
        GetItemResponse r = call("GetItem", () -> dynamo.getItem(b -> b.tableName(interimTable)
                .key(key(requestId)).consistentRead(true)));
        if (!r.hasItem() || r.item().isEmpty()) {
            return null;
        }
        return new Interim(s(r.item().get(halfAttribute(EventType.QUERY))), s(r.item().get(halfAttribute(EventType.RESPONSE))));
    }

    @Override
    public ParkResult park(ChatEvent event, long ttlEpochSeconds) {
        TransactWriteItem noRecordYet = TransactWriteItem.builder().conditionCheck(c -> c
                .tableName(analyticsTable).key(key(event.requestId()))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK))).build();
        TransactWriteItem parkHalf = TransactWriteItem.builder().update(u -> u
                .tableName(interimTable).key(key(event.requestId()))
                .updateExpression("SET #half = :json, #ttl = :ttl")
                .conditionExpression("attribute_not_exists(#half) AND attribute_not_exists(#other)")
                .expressionAttributeNames(Map.of("#half", halfAttribute(event.type()),
                        "#other", halfAttribute(event.type().other()), "#ttl", TTL))
                .expressionAttributeValues(Map.of(":json", AttributeValue.fromS(event.json()),
                        ":ttl", AttributeValue.fromN(Long.toString(ttlEpochSeconds))))
                // a blocked park returns the row that blocked it, which saves the read in the common case
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build();
        try {
            dynamo.transactWriteItems(b -> b.transactItems(noRecordYet, parkHalf));
            return new ParkResult(Outcome.DONE, null);
        } catch (TransactionCanceledException e) {
            Outcome outcome = outcome(e);
            Interim current = null;
            if (outcome == Outcome.CONFLICT && e.hasCancellationReasons() && e.cancellationReasons().size() > 1) {
                Map<String, AttributeValue> old = e.cancellationReasons().get(1).item();
                if (old != null && !old.isEmpty()) {
                    current = new Interim(s(old.get(halfAttribute(EventType.QUERY))), s(old.get(halfAttribute(EventType.RESPONSE))));
                }
            }
            return new ParkResult(outcome, current);
        } catch (TransactionConflictException e) {
            return new ParkResult(Outcome.CONFLICT, null);
        } catch (SdkException e) {
            throw translate("TransactWriteItems", e);
        }
    }

    @Override
    public Outcome complete(AnalyticsRecord record, EventType parked) {
        TransactWriteItem putRecord = TransactWriteItem.builder().put(p -> p
                .tableName(analyticsTable).item(AnalyticsItems.toItem(record))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK))).build();
        TransactWriteItem removeInterim = TransactWriteItem.builder().delete(d -> d
                .tableName(interimTable).key(key(record.requestId()))
                .conditionExpression("attribute_exists(#half)")
                .expressionAttributeNames(Map.of("#half", halfAttribute(parked)))).build();
        return transact(List.of(putRecord, removeInterim));
    }

    @Override
    public void deleteInterim(String requestId) {
        call("DeleteItem", () -> dynamo.deleteItem(b -> b.tableName(interimTable).key(key(requestId))));
    }

    /** The first item of each transaction is the analytics-table check, the second the interim row. */
    private Outcome transact(List<TransactWriteItem> items) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(items));
            return Outcome.DONE;
        } catch (TransactionCanceledException e) {
            return outcome(e);
        } catch (TransactionConflictException e) {
            return Outcome.CONFLICT;
        } catch (SdkException e) {
            throw translate("TransactWriteItems", e);
        }
    }

    private static Outcome outcome(TransactionCanceledException e) {
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
            return Outcome.ALREADY_COMPLETED;
        }
        boolean retryable = reasons.stream().anyMatch(r ->
                "ConditionalCheckFailed".equals(r.code()) || "TransactionConflict".equals(r.code()));
        if (retryable) {
            return Outcome.CONFLICT;
        }
        throw translate("TransactWriteItems", e);
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
        Map<String, AttributeValue> key = new HashMap<>();
        key.put(PK, AttributeValue.fromS(requestId));
        return key;
    }

    private static String s(AttributeValue v) {
        return v == null ? null : v.s();
    }
}
