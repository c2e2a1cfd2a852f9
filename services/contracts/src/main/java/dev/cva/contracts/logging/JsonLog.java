package dev.cva.contracts.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per line, the shape Cloud Logging and CloudWatch Logs Insights both parse:
 * {@code time}, {@code severity} (Cloud Logging's name), {@code level} (Powertools' name), {@code service},
 * {@code message}, then the fields of {@link #with} (per invocation or request: {@code awsRequestId},
 * {@code requestId}, {@code traceId}), then the caller's fields. Callers must never pass secrets as fields.
 * The shape is the {@code log-line} contract (services/contracts/schemas/log-line.schema.json).
 */
public final class JsonLog {
    public enum Severity {
        DEBUG,
        INFO,
        WARNING,
        ERROR
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private final String service;
    private final PrintStream out;
    private final Clock clock;
    private final Map<String, Object> context;

    public JsonLog(String service) {
        this(service, System.out, Clock.systemUTC());
    }

    public JsonLog(String service, PrintStream out, Clock clock) {
        this(service, out, clock, Map.of());
    }

    private JsonLog(String service, PrintStream out, Clock clock, Map<String, Object> context) {
        this.service = service;
        this.out = out;
        this.clock = clock;
        this.context = context;
    }

    /**
     * A child log whose every line also carries these fields (e.g. one per Lambda invocation with its
     * {@code awsRequestId}, or one per request with {@code requestId} and {@code traceId}). Fields whose value is
     * {@code null} are left out. Immutable and thread-safe like its parent: safe to hand to worker threads, unlike
     * a thread-local context.
     */
    public JsonLog with(Object... keyValues) {
        Map<String, Object> merged = new LinkedHashMap<>(context);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                merged.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
            }
        }
        return new JsonLog(service, out, clock, java.util.Collections.unmodifiableMap(merged));
    }

    public void debug(String message, Object... keyValues) {
        log(Severity.DEBUG, message, keyValues);
    }

    public void info(String message, Object... keyValues) {
        log(Severity.INFO, message, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        log(Severity.WARNING, message, keyValues);
    }

    public void error(String message, Object... keyValues) {
        log(Severity.ERROR, message, keyValues);
    }

    /** @param keyValues alternating field names and values: {@code "requestId", id, "status", 200} */
    public void log(Severity severity, String message, Object... keyValues) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        line.put("severity", severity.name());
        line.put("level", severity == Severity.WARNING ? "WARN" : severity.name());
        line.put("service", service);
        line.put("message", message);
        line.putAll(context);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        String json;
        try {
            json = MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            json = "{\"severity\":\"ERROR\",\"message\":\"unserialisable log line\",\"service\":\"" + service + "\"}";
        }
        synchronized (out) {
            out.println(json);
            out.flush(); // the Lambda runtime's stdout does not flush by itself: a quiet function's last lines waited
        }
    }
}
