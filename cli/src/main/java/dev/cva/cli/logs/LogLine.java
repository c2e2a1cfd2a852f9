package dev.cva.cli.logs;

import java.time.Instant;
import java.util.Map;

/**
 * One service log line in the shape every reader (the local stack's files, CloudWatch Logs, Cloud Logging) turns
 * its entries into, so {@code cva logs} and {@code cva trace} print one format whatever the source.
 *
 * @param time      when the line was written (the line's own {@code time}, else the log system's timestamp)
 * @param service   the cva service name (receiver, processor, notifier, reporter, ...)
 * @param level     DEBUG, INFO, WARN or ERROR (Cloud Logging's WARNING is read as WARN)
 * @param requestId the chat event's {@code requestId} when the line carries one, else null
 * @param traceId   the W3C trace id (32 hex digits) when the line carries one, else null
 * @param message   the line's message (a line that is not JSON is kept whole as its message)
 * @param fields    the line's other fields, as parsed (a field whose value is JSON null is left out)
 */
public record LogLine(
        Instant time,
        String service,
        String level,
        String requestId,
        String traceId,
        String message,
        Map<String, Object> fields) {
    public LogLine {
        // Map.copyOf refuses nulls, and services log them (the redrive's "stoppedBy": null)
        fields = fields == null
                ? Map.of()
                : fields.entrySet().stream()
                        .filter(e -> e.getKey() != null && e.getValue() != null)
                        .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
