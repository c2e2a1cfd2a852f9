package dev.cva.contracts;

import java.util.Arrays;

/** The contracts between the parts of the pipeline, each a JSON Schema under {@code services/contracts/schemas}. */
public enum Contract {
    QUERY_EVENT("query-event"),
    RESPONSE_EVENT("response-event"),
    ANALYTICS_RECORD("analytics-record"),
    WEBHOOK_BODY("webhook-body");

    private final String id;

    Contract(String id) {
        this.id = id;
    }

    /** The file-name stem, e.g. {@code webhook-body}. */
    public String id() {
        return id;
    }

    public String schemaFile() {
        return id + ".schema.json";
    }

    public static Contract byId(String id) {
        return Arrays.stream(values())
                .filter(c -> c.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown contract '" + id + "'; known: "
                        + Arrays.stream(values()).map(Contract::id).toList()));
    }
}
