package dev.cva.cli.logs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CvaContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns one raw log line (a service's JSON line, or runtime chatter) into a {@link LogLine}; tolerant of both. */
public final class LogLines {
    public static final List<String> LEVELS = List.of("DEBUG", "INFO", "WARN", "ERROR");
    private static final ObjectMapper JSON = CvaContext.json();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private LogLines() {}

    /**
     * @param raw      the line as written
     * @param service  the service the line belongs to when it does not say (a runtime's own chatter)
     * @param fallback the time for a line that carries none (the previous line's, or when the log system received it)
     */
    public static LogLine parse(String raw, String service, Instant fallback) {
        // the Lambda runtime prints its chatter without a newline, so a JSON line may follow it on the same line
        int brace = raw.indexOf('{');
        if (brace >= 0 && raw.stripTrailing().endsWith("}")) {
            try {
                Map<String, Object> fields = JSON.readValue(raw.substring(brace), MAP);
                return fromFields(fields, service, fallback);
            } catch (java.io.IOException notJson) {
                // fall through: kept whole as the message
            }
        }
        String text = raw.stripTrailing();
        boolean error = text.startsWith("[ERROR]")
                || text.startsWith("\tat ")
                || text.startsWith("Exception")
                || text.startsWith("Caused by:")
                || text.startsWith("SEVERE:");
        return new LogLine(fallback, service, error ? "ERROR" : "INFO", null, null, text, Map.of());
    }

    /** A line already parsed into fields (a JSON line, or Cloud Logging's jsonPayload). */
    public static LogLine fromFields(Map<String, Object> raw, String service, Instant fallback) {
        Map<String, Object> fields = new LinkedHashMap<>(raw);
        Instant time = instant(fields.remove("time"), fallback);
        Object severity = fields.remove("severity");
        Object level = fields.remove("level");
        String svc = text(fields.remove("service"), service);
        String message = text(fields.remove("message"), "");
        String requestId = text(fields.remove("requestId"), null);
        String traceId = text(fields.remove("traceId"), null);
        return new LogLine(time, svc, level(level != null ? level : severity), requestId, traceId, message, fields);
    }

    /** DEBUG, INFO, WARN or ERROR for any of the names the clouds and runtimes use; INFO when unknown. */
    public static String level(Object name) {
        String n = name == null ? "" : name.toString().toUpperCase(java.util.Locale.ROOT);
        return switch (n) {
            case "DEBUG", "TRACE", "FINE", "FINER", "FINEST" -> "DEBUG";
            case "WARN", "WARNING" -> "WARN";
            case "ERROR", "SEVERE", "CRITICAL", "ALERT", "EMERGENCY", "FATAL" -> "ERROR";
            default -> "INFO";
        };
    }

    /** Whether {@code line} passes {@code query}'s request and level filters (not its time). */
    public static boolean matches(LogLine line, LogQuery query) {
        if (query.requestId() != null && !query.requestId().equalsIgnoreCase(line.requestId())) {
            return false;
        }
        return query.minLevel() == null || LEVELS.indexOf(line.level()) >= LEVELS.indexOf(level(query.minLevel()));
    }

    private static Instant instant(Object value, Instant fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Instant.parse(value.toString());
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    private static String text(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }
}
