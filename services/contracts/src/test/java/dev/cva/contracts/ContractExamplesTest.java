package dev.cva.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.contracts.Examples.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @ParameterizedTest(name = "{0} is rejected")
    @MethodSource("invalid")
    void invalidExamplesFail(String name, Examples.Example example) {
        assertThat(VALIDATOR.validate(example.contract(), example.bytes())).isNotEmpty();
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
                try (Stream<Path> files = Files.list(root.resolve(c.id()).resolve(k.name().toLowerCase()))) {
                    assertThat(files.map(p -> p.getFileName().toString().replace(".json", "")).sorted().toList())
                            .as("examples/index.json for %s/%s", c.id(), k)
                            .isEqualTo(Examples.names(c, k));
                }
            }
        }
    }

    @Test
    void violationsNameThePath() {
        byte[] bad = Examples.get(Contract.WEBHOOK_BODY, Kind.INVALID, "bad-match-type").bytes();
        assertThat(VALIDATOR.validate(Contract.WEBHOOK_BODY, bad))
                .anySatisfy(v -> assertThat(v.path()).isEqualTo("$.data.matchType"));
    }

    @Test
    void malformedJsonIsOneViolation() {
        assertThat(VALIDATOR.validate(Contract.QUERY_EVENT, "{\"eventType\":".getBytes()))
                .singleElement()
                .satisfies(v -> assertThat(v.message()).startsWith("malformed JSON"));
    }
}
