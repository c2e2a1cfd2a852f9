package dev.cva.contracts;

import java.util.Arrays;

/**
 * The contracts between the parts of the pipeline, each a JSON Schema under {@code services/contracts/schemas}.
 * Readers are tolerant, writers are strict: {@link #ANALYTICS_RECORD} and {@link #WEBHOOK_BODY} are what readers
 * accept (the original notifier's records included); the {@code *_WRITER} contracts are what our own writers must
 * produce (the full record, nothing unknown). Every document valid for a writer contract is valid for its reader.
 */
public enum Contract {
    QUERY_EVENT("query-event"),
    RESPONSE_EVENT("response-event"),
    ANALYTICS_RECORD("analytics-record"),
    WEBHOOK_BODY("webhook-body"),
    ANALYTICS_RECORD_WRITER("analytics-record-writer"),
    WEBHOOK_BODY_WRITER("webhook-body-writer"),
    /** One JSON log line of any service; every service's tests hold the lines they emit to it. */
    LOG_LINE("log-line");

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
