package dev.cva.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.contracts.Examples.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContractExamplesTest {
    private static final ContractValidator VALIDATOR = new ContractValidator();

    static Stream<Arguments> examples(Kind kind) {
        return Stream.of(Contract.values())
                .flatMap(c -> Examples.all(c, kind).stream())
                .map(e -> Arguments.of(e.contract().id() + "/" + e.name(), e));
    }

    static Stream<Arguments> valid() {
        return examples(Kind.VALID);
    }

    static Stream<Arguments> invalid() {
        return examples(Kind.INVALID);
    }

    @ParameterizedTest(name = "{0} is valid")
    @MethodSource("valid")
    void validExamplesPass(String name, Examples.Example example) {
        assertThat(VALIDATOR.validate(example.contract(), example.bytes())).isEmpty();
    }

    @ParameterizedTest(name = "{0} is rejected for the reason its .expect.json names")
    @MethodSource("invalid")
    void invalidExamplesFailForTheNamedReasonOnly(String name, Examples.Example example) {
        List<Violation> actual = VALIDATOR.validate(example.contract(), example.bytes());
        List<Examples.Expected> expected = Examples.expected(example.contract(), example.name());
        assertThat(expected)
                .as("%s names at least one expected violation", name)
                .isNotEmpty();
        for (Violation v : actual) {
            assertThat(expected)
                    .as("%s: unexpected violation %s (%s)", name, v, v.keyword())
                    .anySatisfy(e -> assertThat(e.matches(v)).isTrue());
        }
        for (Examples.Expected e : expected) {
            assertThat(actual)
                    .as("%s: expected violation %s is missing", name, e)
                    .anySatisfy(v -> assertThat(e.matches(v)).isTrue());
        }
    }

    /** Readers are tolerant, writers are strict: whatever a writer may send, a reader accepts. */
    @Test
    void everyWriterValidExampleIsReaderValidAndEveryReaderInvalidOneIsWriterInvalid() {
        Map<Contract, Contract> readerOf = Map.of(
                Contract.WEBHOOK_BODY_WRITER,
                Contract.WEBHOOK_BODY,
                Contract.ANALYTICS_RECORD_WRITER,
                Contract.ANALYTICS_RECORD);
        readerOf.forEach((writer, reader) -> {
            for (Examples.Example e : Examples.all(writer, Kind.VALID)) {
                assertThat(VALIDATOR.validate(reader, e.bytes())).as(e.name()).isEmpty();
            }
            for (Examples.Example e : Examples.all(reader, Kind.INVALID)) {
                assertThat(VALIDATOR.validate(writer, e.bytes())).as(e.name()).isNotEmpty();
            }
        });
    }

    @Test
    void readersAcceptTheOriginalNotifiersRecordAndWritersDoNot() {
        byte[] original = Examples.get(Contract.WEBHOOK_BODY, Kind.VALID, "original-notifier")
                .bytes();
        assertThat(VALIDATOR.validate(Contract.WEBHOOK_BODY, original)).isEmpty();
        assertThat(VALIDATOR.validate(Contract.WEBHOOK_BODY_WRITER, original))
                .extracting(Violation::path, Violation::keyword)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("$.data", "required"),
                        org.assertj.core.groups.Tuple.tuple("$.data", "required"));
    }

    /**
     * The original notifier sent {@code JSON.stringify({eventType, timestamp, data: {requestId, query, matchType,
     * matchScore, reasoning, vectorMatches, sessionId, week, timestamp}})}: compact, in that order, no newline.
     */
    @Test
    void theOriginalNotifierExampleIsWhatJsonStringifyProduces() throws IOException {
        byte[] bytes = Examples.get(Contract.WEBHOOK_BODY, Kind.VALID, "original-notifier")
                .bytes();
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        com.fasterxml.jackson.databind.JsonNode tree =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes);
        assertThat(text).isEqualTo(tree.toString()).doesNotEndWith("\n");
        assertThat(tree.fieldNames()).toIterable().containsExactly("eventType", "timestamp", "data");
        assertThat(tree.get("data").fieldNames())
                .toIterable()
                .containsExactly(
                        "requestId",
                        "query",
                        "matchType",
                        "matchScore",
                        "reasoning",
                        "vectorMatches",
                        "sessionId",
                        "week",
                        "timestamp");
    }

    @Test
    void everyContractHasValidAndInvalidExamples() {
        for (Contract c : Contract.values()) {
            assertThat(Examples.names(c, Kind.VALID)).as(c.id()).isNotEmpty();
            assertThat(Examples.names(c, Kind.INVALID)).as(c.id()).isNotEmpty();
        }
    }

    @Test
    void indexListsExactlyTheExampleFiles() throws IOException {
        Path root = Path.of("examples");
        for (Contract c : Contract.values()) {
            for (Kind k : Kind.values()) {
                Path dir = root.resolve(c.id()).resolve(k.name().toLowerCase());
                try (Stream<Path> files = Files.list(dir)) {
                    assertThat(files.map(p -> p.getFileName().toString())
                                    .filter(f -> !f.endsWith(".expect.json"))
                                    .map(f -> f.replace(".json", ""))
                                    .sorted()
                                    .toList())
                            .as("examples/index.json for %s/%s", c.id(), k)
                            .isEqualTo(Examples.names(c, k));
                }
                try (Stream<Path> files = Files.list(dir)) {
                    List<String> expectations = files.map(p -> p.getFileName().toString())
                            .filter(f -> f.endsWith(".expect.json"))
                            .map(f -> f.replace(".expect.json", ""))
                            .sorted()
                            .toList();
                    assertThat(expectations)
                            .as("an .expect.json beside each invalid example of %s, none beside valid ones", c.id())
                            .isEqualTo(k == Kind.INVALID ? Examples.names(c, k) : List.of());
                }
            }
        }
    }

    @Test
    void anExpectationForAnotherReasonDoesNotMatch() {
        Violation enumAtMatchType =
                new Violation("$.data.matchType", "does not have a value in the enumeration", "enum");
        assertThat(new Examples.Expected("$.data.matchType", "enum", null).matches(enumAtMatchType))
                .isTrue();
        assertThat(new Examples.Expected("$.data.matchType", "type", null).matches(enumAtMatchType))
                .isFalse();
        assertThat(new Examples.Expected("$.data", "enum", null).matches(enumAtMatchType))
                .isFalse();
        assertThat(new Examples.Expected("$.data.matchType", "enum", "latencyMs").matches(enumAtMatchType))
                .isFalse();
    }

    @Test
    void malformedJsonIsOneViolation() {
        assertThat(VALIDATOR.validate(Contract.QUERY_EVENT, "{\"eventType\":".getBytes()))
                .singleElement()
                .satisfies(v -> assertThat(v.message()).startsWith("malformed JSON"));
    }
}
