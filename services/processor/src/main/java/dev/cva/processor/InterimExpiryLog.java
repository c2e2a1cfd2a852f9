package dev.cva.processor;

import dev.cva.contracts.logging.JsonLog;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Counts halves that found their interim row past its TTL: one JSON log line per late half that is also a
 * CloudWatch Embedded Metric Format record (the {@code _aws} member), so Lambda's log group turns it into the
 * metrics {@value #NAMESPACE}/{@value #METRIC} (count) and {@value #LATE_METRIC} (seconds past the TTL) per
 * service, with no PutMetricData call and no grant. One line: EMF and Logs Insights both read it whole.
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">EMF specification</a>
 */
public final class InterimExpiryLog implements Correlator.Expiries {
    public static final String NAMESPACE = "CvAnalytics";
    public static final String METRIC = "InterimExpired";
    public static final String LATE_METRIC = "InterimLateSeconds";

    private final JsonLog log;
    private final Clock clock;

    public InterimExpiryLog(JsonLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void expired(ChatEvent event, long lateSeconds, String outcome) {
        Map<String, Object> aws = Map.of(
                "Timestamp", clock.millis(),
                "CloudWatchMetrics",
                        List.of(Map.of(
                                "Namespace", NAMESPACE,
                                "Dimensions", List.of(List.of("service")),
                                "Metrics",
                                        List.of(
                                                Map.of("Name", METRIC, "Unit", "Count"),
                                                Map.of("Name", LATE_METRIC, "Unit", "Seconds")))));
        log.warn(
                "interim row past its TTL",
                "event",
                "interim_expired",
                "requestId",
                event.requestId(),
                "eventType",
                event.type().wire(),
                "lateSeconds",
                lateSeconds,
                "outcome",
                outcome,
                METRIC,
                1,
                LATE_METRIC,
                lateSeconds,
                "_aws",
                aws);
    }
}
