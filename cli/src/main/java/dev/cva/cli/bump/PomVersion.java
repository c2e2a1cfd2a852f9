package dev.cva.cli.bump;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes a module's own {@code <version>} (the child of {@code <project>}, never the parent's or a
 * dependency's) by editing the text, so comments, order and indentation stay as they were.
 */
public final class PomVersion {
    private static final Pattern TOKEN = Pattern.compile(
            "<!--.*?-->|<!\\[CDATA\\[.*?]]>|<\\?.*?\\?>|<![^>]*>|<(/?)([A-Za-z_][\\w.:-]*)[^>]*?(/?)>", Pattern.DOTALL);

    private PomVersion() {}

    private record Span(int start, int end) {}

    /** The project's own version, or empty when it inherits its parent's. */
    public static Optional<String> read(String pom) {
        Span s = find(pom, "version");
        return s == null
                ? Optional.empty()
                : Optional.of(pom.substring(s.start, s.end).strip());
    }

    /** {@code pom} with its own version set to {@code version} (added after {@code <artifactId>} when missing). */
    public static String write(String pom, String version) {
        Span s = find(pom, "version");
        if (s != null) {
            return pom.substring(0, s.start) + version + pom.substring(s.end);
        }
        Span artifact = find(pom, "artifactId");
        if (artifact == null) {
            throw new IllegalArgumentException("no <artifactId> in the project");
        }
        int close = pom.indexOf('>', artifact.end) + 1;
        int lineStart = pom.lastIndexOf('\n', artifact.start) + 1;
        Matcher indent = Pattern.compile("^[ \\t]*").matcher(pom.substring(lineStart));
        String ws = indent.find() ? indent.group() : "";
        String nl = pom.contains("\r\n") ? "\r\n" : "\n";
        return pom.substring(0, close) + nl + ws + "<version>" + version + "</version>" + pom.substring(close);
    }

    /** The text span of the first element {@code name} directly under {@code <project>}. */
    private static Span find(String pom, String name) {
        Matcher m = TOKEN.matcher(pom);
        int depth = 0;
        while (m.find()) {
            if (m.group(2) == null || !m.group(3).isEmpty()) {
                continue; // comment, declaration, processing instruction or <empty/>
            }
            if (m.group(1).isEmpty()) {
                if (depth == 1 && m.group(2).equals(name)) {
                    int end = pom.indexOf("</" + name, m.end());
                    return end < 0 ? null : new Span(m.end(), end);
                }
                depth++;
            } else {
                depth--;
            }
        }
        return null;
    }
}
