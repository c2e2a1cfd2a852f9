package dev.cva.local;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The two tables of the design notes, defined once for the local stack and every test (the Terraform in
 * {@code infra/} declares the same keys, index, TTL and stream; names come from {@code cva.yaml}).
 */
public final class Tables {
    public static final String PARTITION_KEY = "requestId";
    public static final String TTL_ATTRIBUTE = "ttl";
    public static final String WEEK_INDEX = "week-index";

    private Tables() {}

    /** The interim table: pk {@code requestId}, TTL on {@code ttl}. */
    public static void createQueryEvents(DynamoDbClient dynamo, String name) {
        try {
            dynamo.createTable(b -> b.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attr(PARTITION_KEY, ScalarAttributeType.S))
                    .keySchema(key(PARTITION_KEY, KeyType.HASH)));
            dynamo.updateTimeToLive(b -> b.tableName(name)
                    .timeToLiveSpecification(t -> t.attributeName(TTL_ATTRIBUTE).enabled(true)));
        } catch (SdkException e) {
            throw new LocalRuntimeException("cannot create table " + name + ": " + e.getMessage(), null, e);
        }
    }

    /** The analytics table: pk {@code requestId}, GSI {@code week-index} (week, timestamp), stream NEW_IMAGE. */
    public static void createAnalytics(DynamoDbClient dynamo, String name) {
        try {
            dynamo.createTable(b -> b.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            attr(PARTITION_KEY, ScalarAttributeType.S),
                            attr("week", ScalarAttributeType.S),
                            attr("timestamp", ScalarAttributeType.N))
                    .keySchema(key(PARTITION_KEY, KeyType.HASH))
                    .globalSecondaryIndexes(g -> g.indexName(WEEK_INDEX)
                            .keySchema(key("week", KeyType.HASH), key("timestamp", KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.ALL)))
                    .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
        } catch (SdkException e) {
            throw new LocalRuntimeException("cannot create table " + name + ": " + e.getMessage(), null, e);
        }
    }

    private static AttributeDefinition attr(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(type)
                .build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
