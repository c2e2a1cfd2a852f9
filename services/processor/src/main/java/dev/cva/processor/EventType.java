package dev.cva.processor;

/** The two halves of an analytics record. */
public enum EventType {
    QUERY("query"),
    RESPONSE("response");

    private final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public EventType other() {
        return this == QUERY ? RESPONSE : QUERY;
    }

    /** @return the type for an {@code eventType} value, or {@code null} when it is neither half */
    public static EventType fromWire(String value) {
        for (EventType t : values()) {
            if (t.wire.equals(value)) {
                return t;
            }
        }
        return null;
    }
}
