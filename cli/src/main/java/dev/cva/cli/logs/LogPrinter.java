package dev.cva.cli.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cva.cli.CvaContext;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one output of {@code cva logs} for every source: {@code time  service  LEVEL  requestId  message} for people
 * (the level coloured when colour is on), or JSON Lines, one object per line of the documented shape
 * {@code {time, service, level, requestId, traceId, message, fields}} (every key always present, null when absent).
 */
public final class LogPrinter implements Consumer<LogLine> {
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectWriter LINE = CvaContext.json().writer().without(SerializationFeature.INDENT_OUTPUT);

    private final PrintWriter out;
    private final boolean json;
    private final boolean color;
    private long printed;

    public LogPrinter(PrintWriter out, boolean json, boolean color) {
        this.out = out;
        this.json = json;
        this.color = color && !json;
    }

    @Override
    public synchronized void accept(LogLine line) {
        out.println(json ? json(line) : human(line));
        out.flush(); // a follower sees each line as it comes
        printed++;
    }

    public synchronized long printed() {
        return printed;
    }

    /** {@code 2026-12-07T10:00:02.123Z  processor  INFO   3f1c…  record completed}. */
    String human(LogLine l) {
        String time = l.time() == null ? "-" : TIME.format(l.time());
        String level = String.format("%-5s", l.level());
        if (color) {
            String code = switch (l.level()) {
                case "ERROR" -> "31";
                case "WARN" -> "33";
                case "DEBUG" -> "2";
                default -> null;
            };
            if (code != null) {
                level = "\u001b[" + code + "m" + level + "\u001b[0m";
            }
        }
        String requestId = l.requestId() == null ? "-" : l.requestId();
        return time + "  " + String.format("%-9s", l.service()) + "  " + level + "  "
                + String.format("%-36s", requestId) + "  " + l.message();
    }

    static String json(LogLine l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", l.time() == null ? null : l.time().toString());
        m.put("service", l.service());
        m.put("level", l.level());
        m.put("requestId", l.requestId());
        m.put("traceId", l.traceId());
        m.put("message", l.message());
        m.put("fields", l.fields());
        try {
            return LINE.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a log line as JSON", e);
        }
    }
}
