package dev.cva.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * moto's server with IAM enforced, under the policies of infra/policies: what AWS allows goes through, what the policy
 * does not grant is AccessDeniedException, keys moto did not issue are UnrecognizedClientException, as in AWS.
 */
class LocalIamTest {
    static final String REGION = LocalAws.DEFAULT_REGION.id();
    static final String INTERIM = "iam-test-query-events";
    static final String ANALYTICS = "iam-test-analytics";
    static Moto moto;
    static DynamoDbClient admin;
    static String streamArn;

    @BeforeAll
    static void tables() {
        moto = Moto.shared();
        admin = moto.dynamo();
        Tables.createQueryEvents(admin, INTERIM);
        Tables.createAnalytics(admin, ANALYTICS);
        streamArn = admin.describeTable(b -> b.tableName(ANALYTICS)).table().latestStreamArn();
    }

    static Map<String, String> arns() {
        return Map.of(
                "queue_arn",
                ServicePolicies.Arns.queue(REGION, "q.fifo"),
                "query_events_table_arn",
                ServicePolicies.Arns.table(REGION, INTERIM),
                "analytics_table_arn",
                ServicePolicies.Arns.table(REGION, ANALYTICS),
                "analytics_stream_arn",
                streamArn,
                "webhook_dlq_arn",
                ServicePolicies.Arns.queue(REGION, "webhook-dlq"),
                "webhook_secret_arn",
                ServicePolicies.Arns.secret(REGION, "cv-analytics/webhook-secret-AbCdEf"),
                "stream_failure_dlq_arn",
                ServicePolicies.Arns.queue(REGION, "stream-failures"),
                "ses_identity_arn",
                ServicePolicies.Arns.sesIdentity(REGION, "cv-analytics.local"),
                "report_from",
                "reports@cv-analytics.local");
    }

    static Map<String, AttributeValue> key(String id) {
        return Map.of("requestId", AttributeValue.fromS(id));
    }

    @Test
    void theProcessorMayDoWhatItsPolicyGrantsAndNothingElse() {
        LocalIam.Keys processor = moto.roleFor("processor", arns());
        try (DynamoDbClient dynamo = LocalAws.dynamo(moto.endpoint(), REGION, processor.provider())) {
            dynamo.putItem(b -> b.tableName(INTERIM).item(Map.of("requestId", AttributeValue.fromS("r1"))));
            assertThat(dynamo.getItem(b -> b.tableName(INTERIM).key(key("r1"))).item())
                    .containsKey("requestId");
            dynamo.deleteItem(b -> b.tableName(INTERIM).key(key("r1")));
            dynamo.putItem(b -> b.tableName(ANALYTICS).item(Map.of("requestId", AttributeValue.fromS("r1"))));

            // the analytics table is write-only for the processor; no scans anywhere
            assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName(ANALYTICS).key(key("r1"))))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.getMessage())
                                .contains("cv-analytics-processor-role", "dynamodb:GetItem", "table/" + ANALYTICS);
                    });
            assertThatThrownBy(() -> dynamo.scan(b -> b.tableName(INTERIM)))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
        }
    }

    @Test
    void theNotifierReadsTheStreamButNotTheTable() {
        LocalIam.Keys notifier = moto.roleFor("notifier", arns());
        try (DynamoDbStreamsClient streams = LocalAws.streams(moto.endpoint(), REGION, notifier.provider());
                DynamoDbClient dynamo = LocalAws.dynamo(moto.endpoint(), REGION, notifier.provider())) {
            var shard = streams.describeStream(b -> b.streamArn(streamArn))
                    .streamDescription()
                    .shards()
                    .get(0);
            String it = streams.getShardIterator(b -> b.streamArn(streamArn)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            assertThat(streams.getRecords(b -> b.shardIterator(it)).records()).isNotNull();
            assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName(ANALYTICS).key(key("r1"))))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
        }
    }

    @Test
    void theReporterMayWriteAndRemoveItsMarkersAndQueryTheWeekIndexOnly() {
        LocalIam.Keys reporter = moto.roleFor("reporter", arns());
        try (DynamoDbClient dynamo = LocalAws.dynamo(moto.endpoint(), REGION, reporter.provider())) {
            dynamo.putItem(b -> b.tableName(INTERIM).item(Map.of("requestId", AttributeValue.fromS("m1"))));
            dynamo.updateItem(b -> b.tableName(INTERIM)
                    .key(key("m1"))
                    .updateExpression("SET sent = :t")
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
            dynamo.deleteItem(b -> b.tableName(INTERIM).key(key("m1")));
            dynamo.query(b -> b.tableName(ANALYTICS)
                    .indexName("week-index")
                    .keyConditionExpression("week = :w")
                    .expressionAttributeValues(Map.of(":w", AttributeValue.fromS("2026-W49"))));
            assertThatThrownBy(() -> dynamo.query(b -> b.tableName(ANALYTICS)
                            .keyConditionExpression("requestId = :r")
                            .expressionAttributeValues(Map.of(":r", AttributeValue.fromS("r1")))))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
        }
    }

    @Test
    void keysMotoDidNotIssueAreRefusedAsAwsRefusesThem() {
        try (DynamoDbClient stranger = LocalAws.dynamo(
                moto.endpoint(),
                REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAUNKNOWN", "secret")))) {
            assertThatThrownBy(stranger::listTables)
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
        }
        // and the administrator the server issued works, with a wrong secret it does not
        assertThat(admin.listTables().tableNames()).contains(INTERIM, ANALYTICS);
        LocalIam.Keys real = moto.iam().admin();
        try (DynamoDbClient forged = LocalAws.dynamo(
                moto.endpoint(),
                REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(real.accessKeyId(), "not-the-secret")))) {
            assertThatThrownBy(forged::listTables)
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException"));
        }
    }

    @Test
    void aPolicyPlaceholderWithoutAValueIsAnError() {
        assertThatThrownBy(() -> ServicePolicies.find(java.nio.file.Path.of("")).render("processor", Map.of()))
                .isInstanceOf(LocalRuntimeException.class)
                .hasMessageContaining("queue_arn");
    }

    @Test
    void theProbeStillSeesAnEnforcingServerAnswer() {
        assertThat(moto.answers()).isTrue();
        assertThat(URI.create(moto.endpoint().toString()).getHost()).isEqualTo("127.0.0.1");
    }
}
