package dev.cva.cli.bump;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangelogWriterTest {
    private static final LocalDate DAY = LocalDate.of(2026, 11, 24);

    private static ChangelogWriter.Entry entry(String message, String id) {
        return ChangelogWriter.entry(ConventionalCommit.parse(message).orElseThrow(), id);
    }

    @Test
    void sectionGroupsCommitsByKeepAChangelogHeadings() {
        String section = ChangelogWriter.section(
                "1.3.0",
                DAY,
                List.of(
                        entry("fix(store): retry on contention", "aaaaaaa"),
                        entry("feat: weekly digest", "bbbbbbb"),
                        entry("feat(api)!: rename matchScore", "ccccccc"),
                        entry("perf: cache schemas", "ddddddd"),
                        entry("revert: feature flag", "eeeeeee"),
                        entry("security: redact secrets in logs", "fffffff")));
        assertThat(section).isEqualTo("""
                ## [1.3.0] - 2026-11-24

                ### Added

                - **BREAKING** **api:** rename matchScore (ccccccc)
                - weekly digest (bbbbbbb)

                ### Changed

                - cache schemas (ddddddd)

                ### Fixed

                - **store:** retry on contention (aaaaaaa)

                ### Removed

                - feature flag (eeeeeee)

                ### Security

                - redact secrets in logs (fffffff)

                """);
        assertThat(ChangelogWriter.entry(ConventionalCommit.parse("docs: x").orElseThrow(), "1"))
                .isNull();
        assertThat(ChangelogWriter.section("0.1.1", DAY, List.of())).contains("No notable changes.");
    }

    @Test
    void newFileGetsAHeaderAndAnUnreleasedHeading() {
        String text = ChangelogWriter.prepend(
                null, "## [1.0.0] - 2026-11-24\n\n### Added\n\n- a\n\n", "the receiver service");
        assertThat(text).startsWith("# Changelog\n\nAll notable changes to the receiver service");
        assertThat(text).contains("[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)");
        assertThat(text.indexOf("## [Unreleased]")).isLessThan(text.indexOf("## [1.0.0]"));
        assertThat(text).endsWith("- a\n");
    }

    @Test
    void newestReleaseGoesBelowUnreleasedAndAboveOlderReleases() {
        String existing = """
                # Changelog

                ## [Unreleased]

                - draft note

                ## [1.2.0] - 2026-10-01

                ### Added

                - older
                """;
        String text = ChangelogWriter.prepend(existing, "## [1.3.0] - 2026-11-24\n\n### Fixed\n\n- new\n\n", "x");
        assertThat(text).isEqualTo("""
                # Changelog

                ## [Unreleased]

                - draft note

                ## [1.3.0] - 2026-11-24

                ### Fixed

                - new

                ## [1.2.0] - 2026-10-01

                ### Added

                - older
                """);
    }

    @Test
    void missingUnreleasedHeadingIsAdded() {
        String text = ChangelogWriter.prepend(
                "# Changelog\n\n## [1.2.0] - 2026-10-01\n- older\n", "## [1.3.0] - 2026-11-24\n\n- new\n\n", "x");
        assertThat(text)
                .isEqualTo(
                        "# Changelog\n\n## [Unreleased]\n\n## [1.3.0] - 2026-11-24\n\n- new\n\n## [1.2.0] - 2026-10-01\n- older\n");
    }
}
