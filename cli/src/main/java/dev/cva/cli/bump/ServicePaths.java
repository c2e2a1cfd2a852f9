package dev.cva.cli.bump;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which paths belong to a releasable unit (paths relative to the folder of cva.yaml, '/'-separated):
 * <ul>
 *   <li>its {@code module} folder from cva.yaml;</li>
 *   <li>the event contract schemas it produces or consumes, {@code services/contracts/schemas/<name>.schema.json}
 *       (see {@link #PRODUCERS} and {@link #CONSUMERS});</li>
 *   <li>its infrastructure: any path under {@code infra/} with a folder or file named after the service
 *       (its root {@code infra/services/processor/main.tf}, or a
 *       file such as {@code infra/modules/x/processor.tf});</li>
 *   <li>for {@code cli}: {@code cli/} and {@code completions/}.</li>
 * </ul>
 */
public record ServicePaths(String service, List<String> folders, List<String> schemas, boolean infra) {

    public static final String CLI = "cli";
    public static final String SCHEMA_DIR = "services/contracts/schemas/";

    /**
     * The service that answers for each event contract: a change that breaks its readers forces this service's
     * major version. The chatbot that emits query and response events is not ours, so the processor (their
     * only reader in this repository, and the service that must move with them) answers for them.
     */
    public static final Map<String, String> PRODUCERS = orderedMap(
            "query-event", "processor",
            "response-event", "processor",
            "analytics-record", "processor",
            "analytics-record-writer", "processor",
            "webhook-body", "notifier",
            "webhook-body-writer", "notifier");

    /** The contracts each service reads ({@code webhook-body} embeds {@code analytics-record}). */
    public static final Map<String, List<String>> CONSUMERS = Map.of(
            "processor", List.of("query-event", "response-event"),
            "notifier", List.of("analytics-record"),
            "receiver", List.of("webhook-body", "analytics-record"),
            "reporter", List.of("analytics-record"),
            "dashboard", List.of("analytics-record"));

    /** The paths of {@code service} whose Maven module is {@code module}. */
    public static ServicePaths of(String service, String module) {
        if (CLI.equals(service)) {
            return new ServicePaths(service, List.of("cli", "completions"), List.of(), false);
        }
        Set<String> schemas = new TreeSet<>(CONSUMERS.getOrDefault(service, List.of()));
        PRODUCERS.forEach((schema, producer) -> {
            if (producer.equals(service)) {
                schemas.add(schema);
            }
        });
        return new ServicePaths(service, List.of(trim(module)), List.copyOf(schemas), true);
    }

    /** The contract schemas {@code service} answers for. */
    public static List<String> produced(String service) {
        List<String> out = new ArrayList<>();
        PRODUCERS.forEach((schema, producer) -> {
            if (producer.equals(service)) {
                out.add(schema);
            }
        });
        return out;
    }

    public static String schemaPath(String schema) {
        return SCHEMA_DIR + schema + ".schema.json";
    }

    public boolean matches(String path) {
        for (String folder : folders) {
            if (path.equals(folder) || path.startsWith(folder + "/")) {
                return true;
            }
        }
        for (String schema : schemas) {
            if (path.equals(schemaPath(schema))) {
                return true;
            }
        }
        if (infra && path.startsWith("infra/")) {
            for (String segment : path.substring("infra/".length()).split("/")) {
                if (segment.equals(service)
                        || segment.startsWith(service + "-")
                        || segment.startsWith(service + "_")
                        || segment.startsWith(service + ".")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One line for help and --verbose: what this unit owns. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        folders.forEach(f -> parts.add(f + "/"));
        schemas.forEach(s -> parts.add(schemaPath(s)));
        if (infra) {
            parts.add("infra/**/" + service + "*");
        }
        return String.join(", ", parts);
    }

    private static String trim(String module) {
        String m = module.replace('\\', '/');
        while (m.startsWith("./")) {
            m = m.substring(2);
        }
        while (m.endsWith("/")) {
            m = m.substring(0, m.length() - 1);
        }
        return m;
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            map.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
