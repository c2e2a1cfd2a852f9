package dev.cva.cli.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The top-level blocks of Terraform files, read just far enough for cross-checks: each block's type and labels
 * ({@code resource "aws_sqs_queue" "dlq"}), its whole body text, and its first-level attributes
 * ({@code name = local.names.dlq}). Strings and comments are skipped when braces are matched. This is not an
 * HCL evaluator: Terraform itself validates the files (infra/check.sh); this only finds who references what.
 */
public record HclBlocks(List<Block> blocks) {

    /**
     * One top-level block. {@code attributes} holds the first-level {@code key = expression} lines of the body;
     * {@code line} is the 1-based line of its header in {@code file}.
     */
    public record Block(
            Path file, int line, String type, List<String> labels, String body, Map<String, String> attributes) {
        public String label(int i) {
            return i < labels.size() ? labels.get(i) : null;
        }

        /** The 1-based line of the first-level attribute {@code key} in {@code file}, or the header's line. */
        public int lineOf(String key) {
            int depth = 0;
            int at = line;
            for (String l : body.split("\n", -1)) {
                if (depth == 0) {
                    Matcher a = ATTRIBUTE.matcher(l);
                    if (a.matches() && a.group(1).equals(key)) {
                        return at;
                    }
                }
                depth += depthChange(l);
                at++;
            }
            return line;
        }
    }

    private static final Pattern HEADER = Pattern.compile("^([a-z_]+)((?:\\s+\"[^\"]*\")*)\\s*\\{");
    private static final Pattern LABEL = Pattern.compile("\"([^\"]*)\"");
    private static final Pattern ATTRIBUTE = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_-]*)\\s*=\\s*(.+?)\\s*$");

    /** Every {@code *.tf} file directly in {@code dir}, in name order. */
    public static HclBlocks read(Path dir) {
        List<Block> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".tf"))
                    .sorted()
                    .toList()) {
                all.addAll(parse(f, Files.readString(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new HclBlocks(List.copyOf(all));
    }

    public List<Block> of(String type) {
        return blocks.stream().filter(b -> b.type().equals(type)).toList();
    }

    static List<Block> parse(Path file, String text) {
        String code = stripComments(text);
        List<Block> out = new ArrayList<>();
        int i = 0;
        while (i < code.length()) {
            int lineEnd = code.indexOf('\n', i);
            if (lineEnd < 0) {
                lineEnd = code.length();
            }
            Matcher m = HEADER.matcher(code.substring(i, lineEnd).strip());
            if (m.find() && Character.isLetter(code.charAt(i))) {
                int open = code.indexOf('{', i);
                int close = matching(code, open);
                List<String> labels = new ArrayList<>();
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.add(l.group(1));
                }
                String body = code.substring(open + 1, close);
                int line = 1
                        + (int) code.substring(0, i)
                                .chars()
                                .filter(c -> c == '\n')
                                .count();
                out.add(new Block(file, line, m.group(1), List.copyOf(labels), body, attributes(body)));
                i = close + 1;
            } else {
                i = lineEnd + 1;
            }
        }
        return out;
    }

    /** First-level attributes: lines at brace depth 0 of the body. */
    static Map<String, String> attributes(String body) {
        Map<String, String> attrs = new LinkedHashMap<>();
        int depth = 0;
        for (String line : body.split("\n")) {
            if (depth == 0) {
                Matcher a = ATTRIBUTE.matcher(line);
                if (a.matches()) {
                    attrs.putIfAbsent(a.group(1), a.group(2));
                }
            }
            depth += depthChange(line);
        }
        return attrs;
    }

    private static int depthChange(String line) {
        int d = 0;
        boolean inString = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[' || c == '(') {
                d++;
            } else if (c == '}' || c == ']' || c == ')') {
                d--;
            }
        }
        return d;
    }

    private static int matching(String code, int open) {
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced braces from offset " + open);
    }

    /** Comments ({@code #}, {@code //}, {@code /* *}{@code /}) become spaces; strings are kept. */
    static String stripComments(String text) {
        StringBuilder b = new StringBuilder(text.length());
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                b.append(c);
                if (c == '\\' && i + 1 < text.length()) {
                    b.append(text.charAt(++i));
                } else if (c == '"' || c == '\n') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                b.append(c);
            } else if (c == '#' || (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/')) {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                if (i < text.length()) {
                    b.append('\n');
                }
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? text.length() : end + 2;
                for (int j = i; j < end; j++) {
                    b.append(text.charAt(j) == '\n' ? '\n' : ' ');
                }
                i = end - 1;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
