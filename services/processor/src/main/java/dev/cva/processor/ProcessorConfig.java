package dev.cva.processor;

import java.time.Duration;
import java.util.Map;

/**
 * Everything the processor reads from its environment, resolved in one place. Endpoints are not here: the AWS SDK
 * reads {@code AWS_ENDPOINT_URL_DYNAMODB} / {@code AWS_ENDPOINT_URL} itself (the local stack sets them).
 */
public record ProcessorConfig(String queryEventsTable, String analyticsTable, String region, Duration interimTtl) {

    public static final String DEFAULT_QUERY_EVENTS_TABLE = "cv-analytics-query-events";
    public static final String DEFAULT_ANALYTICS_TABLE = "cv-analytics-analytics";
    /**
     * How long the event queue's DLQ keeps a failed half: {@code local.fourteen_days} in
     * infra/modules/event-queue/main.tf (SQS's maximum; ProcessorConfigTest checks the two agree).
     */
    public static final Duration DLQ_RETENTION = Duration.ofDays(14);
    /**
     * How long a lone half waits in the interim table (DynamoDB TTL): a day longer than the DLQ keeps its partner,
     * so a half replayed from the DLQ (cva replay-dlq) still finds the row. A row is used even past its TTL while
     * DynamoDB has not deleted it yet; this margin is what makes that the exception.
     */
    public static final Duration DEFAULT_INTERIM_TTL = DLQ_RETENTION.plusDays(1);

    public ProcessorConfig {
        require(queryEventsTable, "QUERY_EVENTS_TABLE");
        require(analyticsTable, "ANALYTICS_TABLE");
        require(region, "AWS_REGION");
    }

    public static ProcessorConfig fromEnv(Map<String, String> env) {
        return new ProcessorConfig(
                env.getOrDefault("QUERY_EVENTS_TABLE", DEFAULT_QUERY_EVENTS_TABLE),
                env.getOrDefault("ANALYTICS_TABLE", DEFAULT_ANALYTICS_TABLE),
                env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "eu-west-2")),
                DEFAULT_INTERIM_TTL);
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
