package dev.cva.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Validates documents against the contract schemas bundled in this jar. Schemas are compiled once;
 * an instance is thread-safe and meant to be shared.
 */
public final class ContractValidator {
    private static final String BASE_URI = "https://contracts.cva.dev/";
    private static final String CLASSPATH = "classpath:contracts/schemas/";
    private static final String UNEVALUATED = "unevaluatedProperties";

    private final ObjectMapper mapper;
    private final Map<Contract, JsonSchema> schemas = new EnumMap<>(Contract.class);

    public ContractValidator() {
        this(JsonMapper.builder().build());
    }

    public ContractValidator(ObjectMapper mapper) {
        this.mapper = mapper;
        // Schemas refer to each other by their $id; map those URIs to the jar so nothing is fetched.
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(m -> m.mapPrefix(BASE_URI, CLASSPATH)));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(com.networknt.schema.PathType.JSON_PATH)
                .formatAssertionsEnabled(true)
                .build();
        for (Contract c : Contract.values()) {
            JsonSchema schema =
                    factory.getSchema(com.networknt.schema.SchemaLocation.of(BASE_URI + c.schemaFile()), config);
            schema.initializeValidators();
            schemas.put(c, schema);
        }
    }

    /**
     * The violations of {@code document} against {@code contract}, most specific path first; empty when valid.
     * {@code unevaluatedProperties} violations (the writer schemas' "nothing unknown") are reported only when
     * nothing else fails: a failing subschema discards what it evaluated, so one bad value would otherwise also
     * flag every known property around it as unknown.
     */
    public List<Violation> validate(Contract contract, JsonNode document) {
        List<Violation> all = schemas.get(contract).validate(document).stream()
                .map(m -> new Violation(m.getInstanceLocation().toString(), stripPath(m.getMessage()), m.getType()))
                .sorted(Comparator.comparing(Violation::path).thenComparing(Violation::message))
                .distinct()
                .toList();
        boolean others = all.stream().anyMatch(v -> !UNEVALUATED.equals(v.keyword()));
        return others
                ? all.stream().filter(v -> !UNEVALUATED.equals(v.keyword())).toList()
                : all;
    }

    /** Parses then validates; malformed JSON becomes a single violation at {@code $}. */
    public List<Violation> validate(Contract contract, byte[] json) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return List.of(new Violation("$", "malformed JSON: " + e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            return List.of(new Violation("$", "unreadable JSON: " + e.getMessage()));
        }
        if (node == null || node.isMissingNode()) {
            return List.of(new Violation("$", "empty document"));
        }
        return validate(contract, node);
    }

    // networknt prefixes each message with the instance path, which Violation already carries.
    private static String stripPath(String message) {
        int colon = message.indexOf(": ");
        return colon > 0 && message.startsWith("$") ? message.substring(colon + 2) : message;
    }
}
