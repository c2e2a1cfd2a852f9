package dev.cva.reporter;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Everything the reporter reads from its environment, resolved in one place. Endpoints come from the SDK's own
 * {@code AWS_ENDPOINT_URL_DYNAMODB} / {@code AWS_ENDPOINT_URL_SESV2} / {@code AWS_ENDPOINT_URL}.
 */
public record ReporterConfig(
        String analyticsTable, String weekIndex, String markerTable, String from, List<String> to, String region) {

    public ReporterConfig {
        if (from == null || from.isBlank()) {
            throw new IllegalArgumentException("REPORT_FROM must be set");
        }
        if (to == null || to.isEmpty()) {
            throw new IllegalArgumentException("REPORT_TO must be set");
        }
        to = List.copyOf(to);
    }

    public static ReporterConfig fromEnv(Map<String, String> env) {
        String queryEvents = env.getOrDefault("QUERY_EVENTS_TABLE", "cv-analytics-query-events");
        return new ReporterConfig(
                env.getOrDefault("ANALYTICS_TABLE", "cv-analytics-analytics"),
                env.getOrDefault("WEEK_INDEX", "week-index"),
                env.getOrDefault("REPORT_MARKER_TABLE", queryEvents),
                env.get("REPORT_FROM"),
                env.get("REPORT_TO") == null
                        ? List.of()
                        : Arrays.stream(env.get("REPORT_TO").split(","))
                                .map(String::strip)
                                .filter(s -> !s.isEmpty())
                                .toList(),
                env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "eu-west-2")));
    }
}
