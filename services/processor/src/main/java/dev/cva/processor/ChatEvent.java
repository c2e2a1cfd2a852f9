package dev.cva.processor;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A query or response event that passed its contract. {@code json} is the event exactly as received (compact),
 * kept so a parked half can be read back without loss. {@code traceId} is the W3C trace id its message carried
 * (or one made up for it); {@code null} only for a parked half stored before trace ids existed.
 */
public record ChatEvent(EventType type, String requestId, long timestamp, JsonNode node, String json, String traceId) {
    public ChatEvent(EventType type, String requestId, long timestamp, JsonNode node, String json) {
        this(type, requestId, timestamp, node, json, null);
    }

    public ChatEvent withTraceId(String id) {
        return new ChatEvent(type, requestId, timestamp, node, json, id);
    }
}
