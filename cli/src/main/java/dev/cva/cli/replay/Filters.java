package dev.cva.cli.replay;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.cva.cli.CvaException;
import dev.cva.replay.SqsPort;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which messages of a DLQ a replay selects: age window, JSONPath matches on the body, message attributes, the
 * message group. All given conditions must hold. {@code --max} is applied by the caller, after these.
 */
public record Filters(
        Instant sentAfter, Instant sentBefore, List<Match> matches, Map<String, String> attributes, String group)
        implements java.util.function.Predicate<SqsPort.Message> {

    public static final Filters NONE = new Filters(null, null, List.of(), Map.of(), null);

    private static final Configuration JSON = Configuration.builder()
            .jsonProvider(new JacksonJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS, Option.DEFAULT_PATH_LEAF_TO_NULL)
            .build();

    public Filters {
        matches = List.copyOf(matches);
        attributes = Map.copyOf(attributes);
    }

    /** {@code --match $.eventType=query}: a JSONPath on the body and the value one of its results must equal. */
    public record Match(String expression, JsonPath path, String value) {
        /** Parses {@code <jsonpath>=<value>}: the split is at the first {@code =} outside brackets, parentheses and quotes. */
        public static Match parse(String text) {
            int eq = splitAt(text);
            if (eq <= 0) {
                throw CvaException.usage(
                        "--match '" + text + "' is not <jsonpath>=<value>",
                        "e.g. --match '$.eventType=response' or --match '$.metadata.userAgent=curl/8.0'");
            }
            String expr = text.substring(0, eq).strip();
            if (!expr.startsWith("$")) {
                throw CvaException.usage(
                        "--match '" + text + "': a JSONPath starts with $", "e.g. --match '$.eventType=query'");
            }
            try {
                return new Match(expr, JsonPath.compile(expr), text.substring(eq + 1));
            } catch (InvalidPathException | IllegalArgumentException e) {
                throw CvaException.usage(
                        "--match '" + text + "': invalid JSONPath: " + e.getMessage(),
                        "see https://github.com/json-path/JsonPath for the syntax");
            }
        }

        private static int splitAt(String text) {
            int depth = 0;
            char quote = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quote != 0) {
                    quote = c == quote ? 0 : quote;
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '[' || c == '(') {
                    depth++;
                } else if (c == ']' || c == ')') {
                    depth--;
                } else if (c == '=' && depth == 0) {
                    return i;
                }
            }
            return -1;
        }

        boolean test(Object document) {
            Object found;
            try {
                found = path.read(document, JSON);
            } catch (RuntimeException e) {
                return false;
            }
            if (found instanceof Collection<?> many && !path.isDefinite()) {
                return many.stream().anyMatch(this::equalsValue);
            }
            return equalsValue(found);
        }

        private boolean equalsValue(Object v) {
            if (v == null) {
                return value.equals("null");
            }
            if (v instanceof Map<?, ?> || v instanceof Collection<?>) {
                return false;
            }
            if (v instanceof Number n && isNumber(value)) {
                return new java.math.BigDecimal(n.toString()).compareTo(new java.math.BigDecimal(value.strip())) == 0;
            }
            return Objects.equals(String.valueOf(v), value);
        }

        private static boolean isNumber(String s) {
            try {
                new java.math.BigDecimal(s.strip());
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    /** {@code --attribute k=v}. */
    public static Map.Entry<String, String> attribute(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw CvaException.usage(
                    "--attribute '" + text + "' is not <name>=<value>", "e.g. --attribute reason=timeout");
        }
        return Map.entry(text.substring(0, eq).strip(), text.substring(eq + 1));
    }

    public boolean any() {
        return sentAfter != null || sentBefore != null || !matches.isEmpty() || !attributes.isEmpty() || group != null;
    }

    @Override
    public boolean test(SqsPort.Message m) {
        long sent = m.sentTimestamp();
        if (sentAfter != null && sent < sentAfter.toEpochMilli()) {
            return false;
        }
        if (sentBefore != null && sent > sentBefore.toEpochMilli()) {
            return false;
        }
        if (group != null && !group.equals(m.groupId())) {
            return false;
        }
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            SqsPort.Attr v = m.attributes().get(a.getKey());
            if (v == null || !a.getValue().equals(v.stringValue())) {
                return false;
            }
        }
        if (!matches.isEmpty()) {
            Object doc;
            try {
                doc = JSON.jsonProvider().parse(m.body());
            } catch (RuntimeException e) {
                return false;
            }
            for (Match match : matches) {
                if (!match.test(doc)) {
                    return false;
                }
            }
        }
        return true;
    }
}
