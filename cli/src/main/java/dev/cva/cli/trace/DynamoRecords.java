package dev.cva.cli.trace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** The processor's tables, one consistent GetItem each (the items as DynamoCorrelationStore and AnalyticsItems write them). */
final class DynamoRecords implements TraceSources.Records {
    private final DynamoDbClient dynamo;
    private final String analyticsTable;
    private final String interimTable;

    DynamoRecords(DynamoDbClient dynamo, String analyticsTable, String interimTable) {
        this.dynamo = dynamo;
        this.analyticsTable = analyticsTable;
        this.interimTable = interimTable;
    }

    @Override
    public Optional<TraceSources.StoredRecord> record(String requestId) {
        Map<String, AttributeValue> item = get(analyticsTable, requestId);
        if (item == null) {
            return Optional.empty();
        }
        Long timestamp = n(item.get("timestamp"));
        Long response = n(item.get("responseTimestamp"));
        return Optional.of(new TraceSources.StoredRecord(
                analyticsTable,
                timestamp == null ? 0 : timestamp,
                response == null ? (timestamp == null ? 0 : timestamp) : response,
                n(item.get("latencyMs")),
                s(item.get("week")),
                s(item.get("traceId"))));
    }

    @Override
    public Optional<TraceSources.Interim> interim(String requestId) {
        Map<String, AttributeValue> item = get(interimTable, requestId);
        if (item == null) {
            return Optional.empty();
        }
        return Optional.of(new TraceSources.Interim(
                interimTable,
                eventTimestamp(s(item.get("queryEvent"))),
                eventTimestamp(s(item.get("responseEvent"))),
                n(item.get("ttl"))));
    }

    private Map<String, AttributeValue> get(String table, String requestId) {
        try {
            var r = dynamo.getItem(b -> b.tableName(table)
                    .key(Map.of("requestId", AttributeValue.fromS(requestId)))
                    .consistentRead(true));
            return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
        } catch (ResourceNotFoundException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "DynamoDB table " + table + " does not exist",
                    "check aws.analyticsTable and aws.queryEventsTable in cva.yaml");
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot read DynamoDB table " + table + ": " + TraceEnvironment.reason(e),
                    null,
                    e);
        }
    }

    /** A parked half's own {@code timestamp}; null when it is absent or unreadable. */
    private static Long eventTimestamp(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode ts = CvaContext.json().readTree(json).path("timestamp");
            return ts.isNumber() ? Long.valueOf(ts.asLong()) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static Long n(AttributeValue v) {
        if (v == null || v.n() == null) {
            return null;
        }
        try {
            return new java.math.BigDecimal(v.n()).longValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String s(AttributeValue v) {
        return v == null ? null : v.s();
    }
}
