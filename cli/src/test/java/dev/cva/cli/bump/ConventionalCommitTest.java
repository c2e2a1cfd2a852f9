package dev.cva.cli.bump;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConventionalCommitTest {

    @Test
    void parsesTypeScopeAndDescription() {
        ConventionalCommit cc = ConventionalCommit.parse("feat(receiver): accept legacy signatures\n\nbody")
                .orElseThrow();
        assertThat(cc.type()).isEqualTo("feat");
        assertThat(cc.scope()).isEqualTo("receiver");
        assertThat(cc.description()).isEqualTo("accept legacy signatures");
        assertThat(cc.breaking()).isFalse();
        assertThat(cc.level()).isEqualTo(BumpLevel.MINOR);
        assertThat(cc.changelogSection()).isEqualTo("Added");
    }

    @Test
    void bangMarksABreakingChange() {
        ConventionalCommit cc =
                ConventionalCommit.parse("refactor(api)!: drop v1 endpoints").orElseThrow();
        assertThat(cc.breaking()).isTrue();
        assertThat(cc.level()).isEqualTo(BumpLevel.MAJOR);
        assertThat(cc.changelogSection()).isEqualTo("Changed");
    }

    @Test
    void breakingChangeFooterMarksABreakingChangeAndKeepsItsText() {
        ConventionalCommit cc = ConventionalCommit.parse("""
                fix: store records by request id

                Explain the fix.

                BREAKING CHANGE: documents move from records/ to analytics/
                and the old path is no longer read.
                Refs: #12
                """).orElseThrow();
        assertThat(cc.breaking()).isTrue();
        assertThat(cc.level()).isEqualTo(BumpLevel.MAJOR);
        assertThat(cc.breakingNote())
                .isEqualTo("documents move from records/ to analytics/ and the old path is no longer read.");
        assertThat(ConventionalCommit.parse("feat: x\n\nBREAKING-CHANGE: y")
                        .orElseThrow()
                        .breaking())
                .isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "feat: a, MINOR",
        "fix: a, PATCH",
        "perf: a, PATCH",
        "FIX: a, PATCH",
        "chore: a, NONE",
        "docs: a, NONE",
        "test: a, NONE",
        "refactor: a, NONE",
        "ci: a, NONE",
        "build: a, NONE",
        "style: a, NONE",
        "chore!: drop Java 11, MAJOR",
        "revert: a, PATCH",
        "security: a, PATCH"
    })
    void levels(String message, BumpLevel level) {
        assertThat(ConventionalCommit.parse(message).orElseThrow().level()).isEqualTo(level);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Merge branch 'x' into main", "feat:no space", "WIP", "fix : x", "Revert \"feat: a\""})
    void notConventional(String message) {
        assertThat(ConventionalCommit.parse(message)).isEmpty();
    }

    @Test
    void emptyScopeIsNoScope() {
        assertThat(ConventionalCommit.parse("feat(): x").orElseThrow().scope()).isNull();
    }

    @Test
    void changelogSections() {
        assertThat(section("fix: a")).isEqualTo("Fixed");
        assertThat(section("perf: a")).isEqualTo("Changed");
        assertThat(section("revert: a")).isEqualTo("Removed");
        assertThat(section("remove: a")).isEqualTo("Removed");
        assertThat(section("security: a")).isEqualTo("Security");
        assertThat(section("docs: a")).isNull();
    }

    private static String section(String message) {
        return ConventionalCommit.parse(message).orElseThrow().changelogSection();
    }
}
