package dev.cva.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CvaException;
import dev.cva.contracts.webhook.WebhookSecret;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of one environment, resolved in the one fixed order: command-line flag, then {@code CVA_*}
 * environment variable, then cva.yaml, then the built-in default. Each value remembers where it came from.
 * Keys are dotted paths inside the environment ({@code aws.region}); the matching variable is
 * {@code CVA_AWS_REGION}.
 */
public final class Settings {
    public enum Source {
        FLAG,
        ENV,
        FILE,
        DEFAULT
    }

    /** One resolved value. {@code origin} says exactly where: a variable name, a file and line, or "built-in". */
    public record Setting(String key, String value, Source source, String origin, boolean secret) {
        /** The value as it may be shown: secrets masked, never revealed. */
        public String display() {
            if (!secret || value == null) {
                return value;
            }
            try {
                return WebhookSecret.parse(value).toString();
            } catch (IllegalArgumentException e) {
                return "****";
            }
        }
    }

    private static final String DEFAULTS = "dev/cva/cli/config/defaults.yaml";
    private static final Map<String, Class<?>> KEYS = catalog();

    private final String environment;
    private final ConfigLoader.Loaded loaded;
    private final Map<String, Setting> values;
    private final CvaConfig.Environment typed;

    private Settings(
            String environment, ConfigLoader.Loaded loaded, Map<String, Setting> values, CvaConfig.Environment typed) {
        this.environment = environment;
        this.loaded = loaded;
        this.values = values;
        this.typed = typed;
    }

    /** Every key a setting can have, e.g. {@code aws.region}, in a stable order. */
    public static List<String> keys() {
        return List.copyOf(KEYS.keySet());
    }

    /** {@code aws.queryEventsTable} → {@code CVA_AWS_QUERY_EVENTS_TABLE}. */
    public static String envVarFor(String key) {
        return "CVA_"
                + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    public static Settings resolve(ConfigLoader.Loaded loaded, String environment, Map<String, String> env) {
        CvaConfig.Environment fromFile = loaded.config().environments().get(environment);
        if (fromFile == null) {
            throw CvaException.usage(
                    "unknown environment '" + environment + "' in " + loaded.displayName(),
                    "known environments: "
                            + String.join(", ", new TreeMap<>(loaded.config().environments()).keySet()));
        }
        JsonNode fileTree;
        try {
            fileTree = ConfigLoader.YAML
                    .readTree(loaded.text())
                    .path("environments")
                    .path(environment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode defaults = readDefaults();
        Map<String, Setting> values = new LinkedHashMap<>();
        for (String key : KEYS.keySet()) {
            String envVar = envVarFor(key);
            boolean secret = isSecret(key);
            String fromEnv = env.get(envVar);
            String inFile = KEYS.get(key) == List.class ? list(at(fileTree, key)) : text(at(fileTree, key));
            String byDefault = text(at(defaults, key));
            if (fromEnv != null && !fromEnv.isEmpty()) {
                values.put(key, new Setting(key, fromEnv, Source.ENV, envVar, secret));
            } else if (inFile != null) {
                int line = YamlLines.lineOf(loaded.text(), path(environment, key));
                values.put(
                        key,
                        new Setting(
                                key, inFile, Source.FILE, loaded.displayName() + (line > 0 ? ":" + line : ""), secret));
            } else if (byDefault != null) {
                values.put(key, new Setting(key, byDefault, Source.DEFAULT, "built-in", secret));
            }
        }
        return new Settings(environment, loaded, Collections.unmodifiableMap(values), typed(values));
    }

    public String environment() {
        return environment;
    }

    public ConfigLoader.Loaded loaded() {
        return loaded;
    }

    public CvaConfig config() {
        return loaded.config();
    }

    /** The environment as typed records, with every layer applied. */
    public CvaConfig.Environment typed() {
        return typed;
    }

    public Map<String, Setting> all() {
        return values;
    }

    /** The value of {@code key}, or null. */
    public String get(String key) {
        checkKey(key);
        Setting s = values.get(key);
        return s == null ? null : s.value();
    }

    /** A flag given on the command line wins over every other layer. */
    public String get(String key, String flagValue) {
        return flagValue != null ? flagValue : get(key);
    }

    /** The value of {@code key}, or a usage error that says which variable or cva.yaml key to set. */
    public String require(String key) {
        String value = get(key);
        if (value == null || value.isBlank()) {
            throw CvaException.usage(
                    "no " + key + " configured for environment '" + environment + "'",
                    "set " + envVarFor(key) + " or environments." + environment + "." + key + " in cva.yaml");
        }
        return value;
    }

    private static void checkKey(String key) {
        if (!KEYS.containsKey(key)) {
            throw new IllegalArgumentException("unknown setting " + key);
        }
    }

    static boolean isSecret(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return last.contains("secret") && !last.endsWith("name");
    }

    private static List<String> path(String environment, String key) {
        List<String> p = new ArrayList<>(List.of("environments", environment));
        p.addAll(Arrays.asList(key.split("\\.")));
        return p;
    }

    private static JsonNode at(JsonNode root, String key) {
        JsonNode n = root;
        for (String part : key.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() || n.isContainerNode() ? null : n.asText();
    }

    /** A list setting as one value, its items comma-separated (as its CVA_* variable gives it); null if absent. */
    private static String list(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (!n.isArray()) {
            return n.isContainerNode() ? null : n.asText();
        }
        List<String> items = new ArrayList<>();
        n.forEach(i -> items.add(i.asText()));
        return String.join(",", items);
    }

    private static JsonNode readDefaults() {
        try (InputStream in = Settings.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            return ConfigLoader.YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CvaConfig.Environment typed(Map<String, Setting> values) {
        ObjectNode root = ConfigLoader.YAML.createObjectNode();
        for (Setting s : values.values()) {
            String[] parts = s.key().split("\\.");
            ObjectNode parent = root;
            for (int i = 0; i < parts.length - 1; i++) {
                parent = parent.has(parts[i]) ? (ObjectNode) parent.get(parts[i]) : parent.putObject(parts[i]);
            }
            String leaf = parts[parts.length - 1];
            Class<?> type = KEYS.get(s.key());
            try {
                if (type == List.class) {
                    var items = parent.putArray(leaf);
                    Arrays.stream(s.value().split(","))
                            .map(String::strip)
                            .filter(v -> !v.isEmpty())
                            .forEach(items::add);
                } else if (type == Integer.class) {
                    parent.put(leaf, Integer.parseInt(s.value().strip()));
                } else if (type == Double.class) {
                    parent.put(leaf, Double.parseDouble(s.value().strip()));
                } else if (type == Boolean.class) {
                    String v = s.value().strip().toLowerCase(Locale.ROOT);
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new NumberFormatException();
                    }
                    parent.put(leaf, Boolean.parseBoolean(v));
                } else {
                    parent.put(leaf, s.value());
                }
            } catch (NumberFormatException e) {
                throw CvaException.usage(
                        s.origin() + ": " + s.key() + ": expected " + ConfigLoader.describe(type) + " but found '"
                                + (s.secret() ? "****" : s.value()) + "'",
                        null);
            }
        }
        return ConfigLoader.YAML.convertValue(root, CvaConfig.Environment.class);
    }

    private static Map<String, Class<?>> catalog() {
        Map<String, Class<?>> keys = new LinkedHashMap<>();
        for (RecordComponent group : CvaConfig.Environment.class.getRecordComponents()) {
            for (RecordComponent leaf : group.getType().getRecordComponents()) {
                keys.put(group.getName() + "." + leaf.getName(), leaf.getType());
            }
        }
        return Collections.unmodifiableMap(keys);
    }
}
