package dev.cva.cli.bump;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keep-a-Changelog 1.1.0 sections from Conventional Commits: feat → Added, fix → Fixed, perf/refactor → Changed,
 * revert/remove → Removed, security → Security; breaking changes are marked {@code **BREAKING**}.
 */
public final class ChangelogWriter {
    static final List<String> SECTIONS = List.of("Added", "Changed", "Fixed", "Removed", "Security");
    static final String UNRELEASED = "## [Unreleased]";

    /** One line of a section. */
    public record Entry(String section, boolean breaking, String scope, String text, String commit) {
        String render() {
            StringBuilder line = new StringBuilder("- ");
            if (breaking) {
                line.append("**BREAKING** ");
            }
            if (scope != null) {
                line.append("**").append(scope).append(":** ");
            }
            line.append(text);
            if (commit != null) {
                line.append(" (").append(commit).append(')');
            }
            return line.toString();
        }
    }

    private ChangelogWriter() {}

    /** The entry for a commit, or null when its type does not go in a changelog (chore, docs, test, …). */
    public static Entry entry(ConventionalCommit cc, String shortId) {
        String section = cc.changelogSection();
        if (section == null) {
            return null;
        }
        String text = cc.description();
        if (cc.breakingNote() != null
                && !cc.breakingNote().isBlank()
                && !cc.breakingNote().equals(text)) {
            text += " — " + cc.breakingNote();
        }
        return new Entry(section, cc.breaking(), cc.scope(), text, shortId);
    }

    /** {@code ## [1.3.0] - 2026-11-24} followed by its subsections, ending with a blank line. */
    public static String section(String version, LocalDate date, List<Entry> entries) {
        Map<String, List<Entry>> bySection = new LinkedHashMap<>();
        SECTIONS.forEach(s -> bySection.put(s, new ArrayList<>()));
        entries.forEach(e ->
                bySection.computeIfAbsent(e.section(), k -> new ArrayList<>()).add(e));
        StringBuilder out = new StringBuilder("## [")
                .append(version)
                .append("] - ")
                .append(date)
                .append("\n");
        boolean any = false;
        for (Map.Entry<String, List<Entry>> s : bySection.entrySet()) {
            if (s.getValue().isEmpty()) {
                continue;
            }
            any = true;
            out.append("\n### ").append(s.getKey()).append("\n\n");
            s.getValue().stream()
                    .sorted((a, b) -> Boolean.compare(b.breaking(), a.breaking()))
                    .forEach(e -> out.append(e.render()).append("\n"));
        }
        if (!any) {
            out.append("\nNo notable changes.\n");
        }
        return out.append("\n").toString();
    }

    public static String header(String what) {
        return "# Changelog\n\n"
                + "All notable changes to " + what + " are documented in this file.\n\n"
                + "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\n"
                + "and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n";
    }

    /**
     * {@code existing} (null when there is no file yet) with {@code section} as the newest release: right below
     * the {@code ## [Unreleased]} block, which is kept (and added when missing) at the top.
     */
    public static String prepend(String existing, String section, String what) {
        String text = existing == null || existing.isBlank() ? header(what) + UNRELEASED + "\n\n" : existing;
        String nl = text.contains("\r\n") ? "\r\n" : "\n";
        String sec = section.replace("\n", nl);
        List<String> lines = new ArrayList<>(List.of(text.split("\\r?\\n", -1)));
        int unreleased = -1;
        int firstRelease = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (unreleased < 0 && l.regionMatches(true, 0, UNRELEASED, 0, UNRELEASED.length())) {
                unreleased = i;
            } else if (l.startsWith("## ")
                    && firstRelease < 0
                    && (unreleased >= 0 || !l.toLowerCase().contains("unreleased"))) {
                firstRelease = i;
                break;
            }
        }
        StringBuilder out = new StringBuilder();
        if (firstRelease < 0) {
            // no release yet: [Unreleased] (if any) runs to the end, or the whole file is a header
            out.append(text.stripTrailing()).append(nl).append(nl);
            if (unreleased < 0) {
                out.append(UNRELEASED).append(nl).append(nl);
            }
            return out.append(sec.stripTrailing()).append(nl).toString();
        }
        for (int i = 0; i < firstRelease; i++) {
            out.append(lines.get(i)).append(nl);
        }
        if (unreleased < 0) {
            out.append(UNRELEASED).append(nl).append(nl);
        }
        out.append(sec);
        for (int i = firstRelease; i < lines.size(); i++) {
            out.append(lines.get(i));
            if (i < lines.size() - 1) {
                out.append(nl);
            }
        }
        return out.toString();
    }
}
