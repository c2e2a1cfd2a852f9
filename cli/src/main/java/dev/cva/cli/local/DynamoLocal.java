package dev.cva.cli.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** DynamoDB Local as a child JVM (in memory, no telemetry) and the two tables of the design notes. */
final class DynamoLocal {
    private DynamoLocal() {}

    static Child start(Runtimes runtimes, Path workDir, int port) {
        Path folder = runtimes.folder("dynamodb");
        Child c = Child.start("dynamodb (DynamoDB Local)", List.of(Child.java(), "-XX:TieredStopAtLevel=1",
                "-Djava.library.path=" + folder, "-Dsqlite4java.library.path=" + folder,
                "-cp", runtimes.classPath("dynamodb"),
                "com.amazonaws.services.dynamodbv2.local.main.ServerRunner",
                "-inMemory", "-disableTelemetry", "-port", Integer.toString(port)), Map.of(),
                workDir.resolve("logs/dynamodb.log"));
        c.awaitPort(port, Duration.ofSeconds(60));
        return c;
    }

    /** Creates the query-events table (TTL on {@code ttl}) and the analytics table (GSI week-index, stream NEW_IMAGE). */
    static void createTables(DynamoDbClient dynamo, String queryEvents, String analytics) {
        AttributeDefinition requestId = attr("requestId", ScalarAttributeType.S);
        KeySchemaElement pk = KeySchemaElement.builder().attributeName("requestId").keyType(KeyType.HASH).build();
        try {
            dynamo.createTable(b -> b.tableName(queryEvents).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(requestId).keySchema(pk));
            dynamo.updateTimeToLive(b -> b.tableName(queryEvents)
                    .timeToLiveSpecification(t -> t.attributeName("ttl").enabled(true)));
            dynamo.createTable(b -> b.tableName(analytics).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(requestId, attr("week", ScalarAttributeType.S),
                            attr("timestamp", ScalarAttributeType.N))
                    .keySchema(pk)
                    .globalSecondaryIndexes(g -> g.indexName("week-index")
                            .keySchema(KeySchemaElement.builder().attributeName("week").keyType(KeyType.HASH).build(),
                                    KeySchemaElement.builder().attributeName("timestamp").keyType(KeyType.RANGE).build())
                            .projection(p -> p.projectionType(ProjectionType.ALL)))
                    .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
        } catch (SdkException e) {
            throw new dev.cva.cli.CvaException(dev.cva.cli.ExitCode.FAILURE,
                    "cannot create the local DynamoDB tables: " + e.getMessage(), null, e);
        }
    }

    private static AttributeDefinition attr(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }
}
