package dev.cva.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.contracts.Contract;
import dev.cva.contracts.ContractValidator;
import dev.cva.contracts.Violation;
import java.util.List;

/** Turns a message body into a {@link ChatEvent} or says precisely why it cannot. */
public final class EventParser {

    /** The outcome of parsing one body. */
    public sealed interface Parsed permits Valid, Invalid {}

    public record Valid(ChatEvent event) implements Parsed {}

    /** {@code violations} name paths and rules, never values of the body. */
    public record Invalid(String reason, List<Violation> violations) implements Parsed {
        public List<String> paths() {
            return violations.stream().map(Violation::path).distinct().toList();
        }
    }

    private final ObjectMapper mapper;
    private final ContractValidator validator;

    public EventParser(ObjectMapper mapper, ContractValidator validator) {
        this.mapper = mapper;
        this.validator = validator;
    }

    public Parsed parse(String body) {
        if (body == null || body.isBlank()) {
            return new Invalid("empty body", List.of(new Violation("$", "empty document")));
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            return new Invalid("malformed JSON", List.of(new Violation("$", "not parseable as JSON" + where)));
        }
        if (node == null || !node.isObject()) {
            return new Invalid("not a JSON object", List.of(new Violation("$", "must be an object")));
        }
        JsonNode typeNode = node.get("eventType");
        EventType type = typeNode != null && typeNode.isTextual() ? EventType.fromWire(typeNode.asText()) : null;
        if (type == null) {
            return new Invalid(
                    "unknown eventType", List.of(new Violation("$.eventType", "must be \"query\" or \"response\"")));
        }
        Contract contract = type == EventType.QUERY ? Contract.QUERY_EVENT : Contract.RESPONSE_EVENT;
        List<Violation> violations = validator.validate(contract, node);
        if (!violations.isEmpty()) {
            return new Invalid("schema violation (" + contract.id() + ")", violations);
        }
        try {
            return new Valid(new ChatEvent(
                    type,
                    node.get("requestId").asText(),
                    node.get("timestamp").asLong(),
                    node,
                    mapper.writeValueAsString(node)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("re-serialising a parsed tree failed", e);
        }
    }
}
