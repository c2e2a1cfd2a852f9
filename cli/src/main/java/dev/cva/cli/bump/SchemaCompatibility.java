package dev.cva.cli.bump;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares two versions of a JSON Schema from the point of view of existing readers and the senders they accept.
 * Breaking: a property removed, a type (or {@code const}, or {@code $ref}) changed, a field that becomes required,
 * unknown properties that become refused ({@code additionalProperties}/{@code unevaluatedProperties: false}), an
 * enum value removed, the schema deleted. Not breaking: a field that becomes optional, a new optional property, a
 * new enum value, a relaxed constraint.
 *
 * <p>A writer schema ({@code $id} ending in {@code -writer.schema.json}; see services/contracts/README.md) holds
 * only our own writers, and includes its reader schema: what it requires or refuses is no break for readers, so
 * those two rules do not apply to it. Its other changes are compared as usual.
 */
public final class SchemaCompatibility {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaCompatibility() {}

    /** The breaking changes from {@code before} to {@code after} (JSON text; null = the file does not exist). */
    public static List<String> breakingChanges(String before, String after) {
        if (before == null) {
            return List.of();
        }
        if (after == null) {
            return List.of("schema removed");
        }
        try {
            List<String> out = new ArrayList<>();
            JsonNode old = JSON.readTree(before);
            JsonNode neu = JSON.readTree(after);
            compare("", old, neu, isWriter(old) || isWriter(neu), out);
            return out;
        } catch (IOException e) {
            return List.of("schema is no longer valid JSON (" + e.getMessage() + ")");
        }
    }

    /**
     * The other schema files {@code json} refers to with {@code $ref}, by name ({@code "analytics-record"} for
     * {@code analytics-record.schema.json}, with or without a base URI or fragment). Empty for null or bad JSON.
     */
    public static Set<String> externalRefs(String json) {
        Set<String> out = new java.util.TreeSet<>();
        if (json == null) {
            return out;
        }
        try {
            collectRefs(JSON.readTree(json), out);
        } catch (IOException e) {
            // a broken schema is reported by breakingChanges
        }
        return out;
    }

    private static void collectRefs(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && !ref.asText().startsWith("#")) {
                String file = ref.asText().replaceAll("#.*$", "");
                file = file.substring(file.lastIndexOf('/') + 1);
                if (file.endsWith(".schema.json")) {
                    out.add(file.substring(0, file.length() - ".schema.json".length()));
                }
            }
        }
        node.forEach(child -> collectRefs(child, out));
    }

    /** Whether {@code schema} is a writer schema (strict, for our own writers only). */
    static boolean isWriter(JsonNode schema) {
        return schema != null && schema.path("$id").asText("").endsWith("-writer.schema.json");
    }

    private static void compare(String at, JsonNode old, JsonNode neu, boolean writer, List<String> out) {
        if (!old.isObject() || !neu.isObject()) {
            if (!old.equals(neu) && old.isObject() != neu.isObject()) {
                out.add(where(at) + "schema changed from " + old + " to " + neu);
            }
            return;
        }
        if (old.has("$ref") || neu.has("$ref")) {
            if (!old.path("$ref").equals(neu.path("$ref"))) {
                out.add(where(at) + "type changed from " + describe(old) + " to " + describe(neu));
                return;
            }
        }
        Set<String> oldTypes = types(old);
        Set<String> newTypes = types(neu);
        if (!oldTypes.isEmpty() && !oldTypes.equals(newTypes)) {
            out.add(where(at) + "type changed from " + describe(old) + " to " + describe(neu));
            return;
        }
        if (old.has("const") && !old.get("const").equals(neu.get("const"))) {
            out.add(where(at) + "const changed from " + old.get("const") + " to "
                    + (neu.has("const") ? neu.get("const") : "none"));
        }
        if (old.has("enum") && neu.has("enum")) {
            Set<JsonNode> kept = new LinkedHashSet<>();
            neu.get("enum").forEach(kept::add);
            for (JsonNode value : old.get("enum")) {
                if (!kept.contains(value)) {
                    out.add(where(at) + "enum value " + value + " removed");
                }
            }
        }
        if (!writer) {
            Set<String> oldRequired = strings(old.get("required"));
            for (String field : strings(neu.get("required"))) {
                if (!oldRequired.contains(field)) {
                    out.add("new required field '" + join(at, field) + "'");
                }
            }
            for (String keyword : List.of("additionalProperties", "unevaluatedProperties")) {
                boolean refusedBefore =
                        old.path(keyword).isBoolean() && !old.get(keyword).asBoolean();
                boolean refusedAfter =
                        neu.path(keyword).isBoolean() && !neu.get(keyword).asBoolean();
                if (refusedAfter && !refusedBefore) {
                    out.add(where(at) + "unknown properties are now refused (" + keyword + ": false)");
                }
            }
        }
        JsonNode oldProps = old.path("properties");
        JsonNode newProps = neu.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = oldProps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if (!newProps.has(p.getKey())) {
                out.add("property '" + join(at, p.getKey()) + "' removed");
            } else {
                compare(join(at, p.getKey()), p.getValue(), newProps.get(p.getKey()), writer, out);
            }
        }
        if (old.has("items") && neu.has("items")) {
            compare(at + "[]", old.get("items"), neu.get("items"), writer, out);
        }
        for (String defs : List.of("$defs", "definitions")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = old.path(defs).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> d = it.next();
                if (neu.path(defs).has(d.getKey())) {
                    compare(
                            "#/" + defs + "/" + d.getKey(),
                            d.getValue(),
                            neu.path(defs).get(d.getKey()),
                            writer,
                            out);
                }
            }
        }
    }

    private static Set<String> types(JsonNode schema) {
        Set<String> types = new LinkedHashSet<>();
        JsonNode t = schema.get("type");
        if (t != null && t.isTextual()) {
            types.add(t.asText());
        } else if (t != null && t.isArray()) {
            t.forEach(x -> types.add(x.asText()));
        }
        return types;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        if (array != null && array.isArray()) {
            array.forEach(x -> out.add(x.asText()));
        }
        return out;
    }

    private static String describe(JsonNode schema) {
        if (schema.has("$ref")) {
            return "$ref " + schema.get("$ref").asText();
        }
        Set<String> t = types(schema);
        return t.isEmpty() ? "any" : String.join("|", t);
    }

    private static String join(String at, String name) {
        return at.isEmpty() ? name : at + "." + name;
    }

    private static String where(String at) {
        return at.isEmpty() ? "" : "'" + at + "': ";
    }
}
