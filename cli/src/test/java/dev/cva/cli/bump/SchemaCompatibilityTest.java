package dev.cva.cli.bump;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchemaCompatibilityTest {
    private static final String BASE = """
            {"type": "object", "required": ["id", "kind"],
             "properties": {
               "id": {"type": "string"},
               "kind": {"enum": ["a", "b"]},
               "score": {"type": "number"},
               "tags": {"type": "array", "items": {"type": "string"}},
               "perf": {"$ref": "#/$defs/perf"},
               "meta": {"type": "object", "properties": {"ua": {"type": "string"}}}
             },
             "$defs": {"perf": {"type": "object", "properties": {"ms": {"type": "integer"}}}}}
            """;

    private static java.util.List<String> diff(String after) {
        return SchemaCompatibility.breakingChanges(BASE, after);
    }

    @Test
    void identicalAndAdditiveChangesAreCompatible() {
        assertThat(diff(BASE)).isEmpty();
        assertThat(diff(BASE.replace(
                        "\"score\": {\"type\": \"number\"},",
                        "\"score\": {\"type\": \"number\"}, \"extra\": {\"type\": \"string\"},")))
                .isEmpty();
        assertThat(diff(BASE.replace("[\"a\", \"b\"]", "[\"a\", \"b\", \"c\"]")))
                .isEmpty();
        assertThat(diff(BASE.replace(
                        "{\"ua\": {\"type\": \"string\"}}",
                        "{\"ua\": {\"type\": \"string\"}, \"lang\": {\"type\": \"string\"}}")))
                .isEmpty();
    }

    @Test
    void removedPropertyBreaks() {
        assertThat(diff(BASE.replace("\"score\": {\"type\": \"number\"},", "")))
                .containsExactly("property 'score' removed");
        assertThat(diff(BASE.replace("{\"ua\": {\"type\": \"string\"}}", "{}")))
                .containsExactly("property 'meta.ua' removed");
    }

    @Test
    void changedTypeBreaks() {
        assertThat(diff(BASE.replace("\"score\": {\"type\": \"number\"}", "\"score\": {\"type\": \"string\"}")))
                .containsExactly("'score': type changed from number to string");
        assertThat(diff(BASE.replace("\"items\": {\"type\": \"string\"}", "\"items\": {\"type\": \"integer\"}")))
                .containsExactly("'tags[]': type changed from string to integer");
        assertThat(diff(BASE.replace("\"ms\": {\"type\": \"integer\"}", "\"ms\": {\"type\": \"string\"}")))
                .containsExactly("'#/$defs/perf.ms': type changed from integer to string");
        assertThat(diff(BASE.replace("{\"$ref\": \"#/$defs/perf\"}", "{\"type\": \"integer\"}")))
                .singleElement()
                .asString()
                .contains("'perf': type changed from $ref #/$defs/perf to integer");
    }

    @Test
    void newRequiredFieldBreaks() {
        assertThat(diff(BASE.replace("[\"id\", \"kind\"]", "[\"id\", \"kind\", \"score\"]")))
                .containsExactly("new required field 'score'");
    }

    @Test
    void aFieldThatBecomesRequiredForReadersBreaks() {
        assertThat(diff(BASE.replace("[\"id\", \"kind\"]", "[\"id\", \"kind\", \"tags\"]")))
                .containsExactly("new required field 'tags'");
        assertThat(diff(BASE.replace(
                        "{\"ua\": {\"type\": \"string\"}}",
                        "{\"ua\": {\"type\": \"string\"}}, \"required\": [\"ua\"]")))
                .containsExactly("new required field 'meta.ua'");
    }

    @Test
    void aFieldThatBecomesOptionalDoesNotBreak() {
        assertThat(diff(BASE.replace("[\"id\", \"kind\"]", "[\"id\"]"))).isEmpty();
        assertThat(diff(BASE.replace("\"required\": [\"id\", \"kind\"],", ""))).isEmpty();
    }

    @Test
    void refusingUnknownPropertiesBreaksReadersAndAllowingThemDoesNot() {
        String closed = BASE.replace(
                "{\"type\": \"object\", \"required\"",
                "{\"type\": \"object\", \"additionalProperties\": false, \"required\"");
        assertThat(diff(closed)).containsExactly("unknown properties are now refused (additionalProperties: false)");
        assertThat(SchemaCompatibility.breakingChanges(closed, BASE)).isEmpty();
    }

    /** Writer schemas hold only our writers: what they require or refuse is no break for readers. */
    @Test
    void requiredOrRefusedInAWriterSchemaDoesNotBreakButRemovingAPropertyStillDoes() {
        String writer = BASE.replace(
                "{\"type\": \"object\",",
                "{\"$id\": \"https://contracts.cva.dev/thing-writer.schema.json\", \"type\": \"object\",");
        assertThat(SchemaCompatibility.breakingChanges(
                        writer,
                        writer.replace("[\"id\", \"kind\"]", "[\"id\", \"kind\", \"score\"]")
                                .replace(
                                        "\"type\": \"object\", \"required\"",
                                        "\"type\": \"object\", \"unevaluatedProperties\": false, \"required\"")))
                .isEmpty();
        assertThat(SchemaCompatibility.breakingChanges(
                        writer, writer.replace("\"score\": {\"type\": \"number\"},", "")))
                .containsExactly("property 'score' removed");
    }

    /** The change this project made: latencyMs and responseTimestamp became optional for readers. */
    @Test
    void theRealReaderSchemaRelaxedWithoutABreakAndRequiringLatencyAgainWouldBreak() throws Exception {
        java.nio.file.Path file =
                dev.cva.cli.CliHarness.repoRoot().resolve(ServicePaths.schemaPath("analytics-record"));
        String now = java.nio.file.Files.readString(file);
        String strict = now.replace(
                "\"week\", \"timestamp\"]", "\"week\", \"timestamp\", \"responseTimestamp\", \"latencyMs\"]");
        assertThat(strict).isNotEqualTo(now);
        assertThat(SchemaCompatibility.breakingChanges(strict, now)).isEmpty();
        assertThat(SchemaCompatibility.breakingChanges(now, strict))
                .containsExactly("new required field 'responseTimestamp'", "new required field 'latencyMs'");
    }

    @Test
    void removedEnumValueBreaks() {
        assertThat(diff(BASE.replace("[\"a\", \"b\"]", "[\"a\"]"))).containsExactly("'kind': enum value \"b\" removed");
    }

    @Test
    void deletedOrUnreadableSchemaBreaksAndANewSchemaDoesNot() {
        assertThat(SchemaCompatibility.breakingChanges(BASE, null)).containsExactly("schema removed");
        assertThat(SchemaCompatibility.breakingChanges(null, BASE)).isEmpty();
        assertThat(SchemaCompatibility.breakingChanges(BASE, "{not json"))
                .singleElement()
                .asString()
                .startsWith("schema is no longer valid JSON");
    }

    @Test
    void theRealContractsAreCompatibleWithThemselves() throws Exception {
        java.nio.file.Path dir = dev.cva.cli.CliHarness.repoRoot().resolve(ServicePaths.SCHEMA_DIR);
        try (var files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : files.toList()) {
                String text = java.nio.file.Files.readString(f);
                assertThat(SchemaCompatibility.breakingChanges(text, text))
                        .as(f.toString())
                        .isEmpty();
            }
        }
    }
}
