package dev.cva.cli.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CvaException;
import dev.cva.contracts.Contract;
import dev.cva.contracts.Examples;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Webhook bodies: the contract's webhook-body examples (refreshed with a new requestId and current timestamps,
 * so repeated sends are not duplicates) or bytes read from a file or stdin (sent exactly as read).
 */
public final class Payloads {
    public static final String DEFAULT_EVENT = "full-match";
    static final String INVALID_PREFIX = "invalid/";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private Payloads() {}

    /** Every {@code --event} name: the valid webhook-body examples, then {@code invalid/<name>}. */
    public static List<String> eventNames() {
        List<String> names = new ArrayList<>(Examples.names(Contract.WEBHOOK_BODY, Examples.Kind.VALID));
        Examples.names(Contract.WEBHOOK_BODY, Examples.Kind.INVALID).forEach(n -> names.add(INVALID_PREFIX + n));
        return names;
    }

    /** The example named {@code name} as a JSON tree (a template for {@link #fresh}). */
    public static JsonNode template(String name) {
        if (!eventNames().contains(name)) {
            throw CvaException.usage(
                    "unknown event '" + name + "'", "known events: " + String.join(", ", eventNames()));
        }
        boolean invalid = name.startsWith(INVALID_PREFIX);
        byte[] bytes = Examples.get(
                        Contract.WEBHOOK_BODY,
                        invalid ? Examples.Kind.INVALID : Examples.Kind.VALID,
                        invalid ? name.substring(INVALID_PREFIX.length()) : name)
                .bytes();
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("contract example " + name + " is not JSON", e);
        }
    }

    /**
     * A copy of {@code template} with a new requestId, the body and record timestamps at {@code now} (keeping the
     * template's latency) and the ISO week of the query. Only fields the template has are replaced.
     */
    public static byte[] fresh(JsonNode template, Instant now, UUID requestId) {
        JsonNode copy = template.deepCopy();
        long nowMs = now.toEpochMilli();
        if (copy instanceof ObjectNode root) {
            if (root.has("timestamp")) {
                root.put("timestamp", nowMs);
            }
            if (root.get("data") instanceof ObjectNode data) {
                long latency = data.path("latencyMs").canConvertToLong()
                        ? data.path("latencyMs").asLong()
                        : 0;
                long queryAt = nowMs - Math.max(0, latency);
                if (data.has("requestId")) {
                    data.put("requestId", requestId.toString());
                }
                if (data.has("timestamp")) {
                    data.put("timestamp", queryAt);
                }
                if (data.has("responseTimestamp")) {
                    data.put("responseTimestamp", nowMs);
                }
                if (data.has("week")
                        && data.get("week").isTextual()
                        && data.get("week").asText().matches("\\d{4}-W\\d{2}")) {
                    data.put("week", isoWeek(Instant.ofEpochMilli(queryAt)));
                }
            }
        }
        try {
            return JSON.writeValueAsBytes(copy);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code 2026-W48}. */
    static String isoWeek(Instant at) {
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        return String.format("%d-W%02d", t.get(IsoFields.WEEK_BASED_YEAR), t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /**
     * The bytes of {@code --data}: {@code @FILE} (relative to {@code cwd}), {@code @-} or {@code -} for stdin, else
     * the argument itself.
     */
    public static byte[] read(String data, Path cwd, InputStream stdin) {
        try {
            if (data.equals("-") || data.equals("@-")) {
                return stdin.readAllBytes();
            }
            if (data.startsWith("@")) {
                Path file = cwd.resolve(data.substring(1));
                if (!Files.isRegularFile(file)) {
                    throw CvaException.usage("--data: no such file " + file, "use --data @path/to/body.json");
                }
                return Files.readAllBytes(file);
            }
            return data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CvaException.usage("--data: cannot read " + data + ": " + e.getMessage(), null);
        }
    }
}
