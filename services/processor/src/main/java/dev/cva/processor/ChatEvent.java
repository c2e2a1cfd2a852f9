package dev.cva.processor;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A query or response event that passed its contract. {@code json} is the event exactly as received (compact),
 * kept so a parked half can be read back without loss.
 */
public record ChatEvent(EventType type, String requestId, long timestamp, JsonNode node, String json) {}
