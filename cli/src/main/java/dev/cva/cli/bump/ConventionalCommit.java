package dev.cva.cli.bump;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A commit message read as a Conventional Commit ({@code type(scope)!: description}, optional body, footers).
 * {@code breakingNote} is the text of a {@code BREAKING CHANGE:} / {@code BREAKING-CHANGE:} footer, or null.
 */
public record ConventionalCommit(String type, String scope, boolean breaking, String description, String breakingNote) {

    private static final Pattern HEADER =
            Pattern.compile("^([A-Za-z][A-Za-z0-9-]*)(?:\\(([^()\\r\\n]*)\\))?(!)?: +(\\S.*)$");
    private static final Pattern BREAKING_FOOTER = Pattern.compile("^BREAKING[ -]CHANGE: *(.*)$");
    private static final Set<String> PATCH_TYPES = Set.of("fix", "perf", "revert", "remove", "security");

    /** The parsed message, or empty when its first line is not a Conventional Commit header. */
    public static Optional<ConventionalCommit> parse(String message) {
        if (message == null) {
            return Optional.empty();
        }
        String[] lines = message.strip().split("\\r?\\n");
        Matcher m = HEADER.matcher(lines[0].strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String note = null;
        for (int i = 1; i < lines.length; i++) {
            Matcher f = BREAKING_FOOTER.matcher(lines[i]);
            if (f.matches()) {
                StringBuilder text = new StringBuilder(f.group(1).strip());
                for (int j = i + 1;
                        j < lines.length && !lines[j].isBlank() && !lines[j].matches("^[A-Za-z-]+(: | #).*");
                        j++) {
                    text.append(' ').append(lines[j].strip());
                }
                note = text.toString();
                break;
            }
        }
        String scope =
                m.group(2) == null || m.group(2).isBlank() ? null : m.group(2).strip();
        return Optional.of(new ConventionalCommit(
                m.group(1).toLowerCase(Locale.ROOT),
                scope,
                m.group(3) != null || note != null,
                m.group(4).strip(),
                note));
    }

    /**
     * What this commit asks of a release on its own: breaking → major, feat → minor, fix/perf (and revert,
     * remove, security) → patch, anything else (chore, docs, test, refactor, ci, build, style, …) → none.
     */
    public BumpLevel level() {
        if (breaking) {
            return BumpLevel.MAJOR;
        }
        if ("feat".equals(type)) {
            return BumpLevel.MINOR;
        }
        return PATCH_TYPES.contains(type) ? BumpLevel.PATCH : BumpLevel.NONE;
    }

    /** The Keep-a-Changelog section this commit belongs to, or null when it does not go in the changelog. */
    public String changelogSection() {
        return switch (type) {
            case "feat" -> "Added";
            case "fix" -> "Fixed";
            case "perf", "refactor" -> "Changed";
            case "revert", "remove" -> "Removed";
            case "security" -> "Security";
            default -> breaking ? "Changed" : null;
        };
    }
}
