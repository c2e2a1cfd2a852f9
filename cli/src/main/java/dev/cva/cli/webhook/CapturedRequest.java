package dev.cva.cli.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The headers of a captured request, from text as people copy it: {@code Name: value} lines (curl -D, a browser's
 * "copy request headers", a proxy log, or {@code cva webhook sign}'s own {@code -H 'name: value'} lines), or a JSON
 * object of name to value (or to a list of values). Status and request lines, HTTP/2 pseudo-headers and anything
 * without a colon are skipped and listed in {@link #ignored()}. Names are case-insensitive.
 */
public record CapturedRequest(Map<String, List<String>> headers, List<String> ignored) {
    private static final Pattern START_LINE = Pattern.compile("^(HTTP/\\S+\\s+\\d{3}.*|[A-Z]+\\s+\\S+\\s+HTTP/\\S+)$");
    private static final Pattern NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    public static CapturedRequest parse(String text) {
        String t = text.strip();
        if (t.startsWith("\uFEFF")) {
            t = t.substring(1);
        }
        return t.startsWith("{") ? parseJson(t) : parseLines(t);
    }

    /** The first value of {@code name}, or null. */
    public String first(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public boolean has(String name) {
        return first(name) != null;
    }

    private static CapturedRequest parseLines(String text) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        List<String> ignored = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.endsWith("\\")) {
                line = line.substring(0, line.length() - 1).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            line = unwrapCurlFlag(line);
            int colon = line.indexOf(':');
            String name = colon > 0 ? line.substring(0, colon).strip() : "";
            if (START_LINE.matcher(line).matches()
                    || line.startsWith(":")
                    || !NAME.matcher(name).matches()) {
                ignored.add(line);
                continue;
            }
            headers.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        return new CapturedRequest(headers, ignored);
    }

    /** {@code -H 'name: value'}, {@code --header "name: value"} → {@code name: value}. */
    private static String unwrapCurlFlag(String line) {
        String l = line;
        if (l.startsWith("-H ") || l.startsWith("--header ")) {
            l = l.substring(l.indexOf(' ') + 1).strip();
        }
        if (l.length() >= 2 && (l.charAt(0) == '\'' || l.charAt(0) == '"') && l.charAt(l.length() - 1) == l.charAt(0)) {
            l = l.substring(1, l.length() - 1);
        }
        return l;
    }

    private static CapturedRequest parseJson(String text) {
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("the headers file looks like JSON but is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("a JSON headers file must hold an object of header name to value");
        }
        // Accept {"headers": {...}} too, the shape of `cva webhook sign --json`.
        JsonNode object = root.path("headers").isObject() ? root.get("headers") : root;
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        List<String> ignored = new ArrayList<>();
        object.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (v.isValueNode()) {
                headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(v.asText());
            } else if (v.isArray()) {
                v.forEach(item -> headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(item.asText()));
            } else {
                ignored.add(e.getKey());
            }
        });
        return new CapturedRequest(headers, ignored);
    }
}
