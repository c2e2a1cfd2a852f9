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
    public static final Duration DEFAULT_INTERIM_TTL = Duration.ofHours(24);

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
