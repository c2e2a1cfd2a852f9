package dev.cva.cli.bump;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes the {@code version} of an npm package ({@code package.json}'s top-level {@code version};
 * in {@code package-lock.json} also {@code packages[""].version}, the root package's) by editing the text, so key
 * order, indentation and everything else stay as npm wrote them.
 */
public final class PackageJsonVersion {
    private PackageJsonVersion() {}

    private record Span(int start, int end) {}

    /** The top-level {@code version}, if it is a string. */
    public static Optional<String> read(String json) {
        Span s = find(json, List.of("version"));
        return s == null ? Optional.empty() : Optional.of(json.substring(s.start + 1, s.end - 1));
    }

    /** {@code json} with its top-level {@code version} and, when present, {@code packages[""].version} set. */
    public static String write(String json, String version) {
        String out = json;
        for (List<String> path : List.of(List.of("packages", "", "version"), List.of("version"))) {
            Span s = find(out, path);
            if (s != null) {
                out = out.substring(0, s.start) + '"' + version + '"' + out.substring(s.end);
            } else if (path.size() == 1) {
                throw new IllegalArgumentException("no top-level \"version\" string in the package");
            }
        }
        return out;
    }

    /** The span (quotes included) of the string value at {@code path} (object keys from the top), or null. */
    private static Span find(String json, List<String> path) {
        Deque<String> keys = new ArrayDeque<>(); // key of each open container (the top's is "")
        Deque<Boolean> objects = new ArrayDeque<>(); // whether each open container is an object
        String pendingKey = null;
        boolean expectKey = false;
        int i = 0;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c == '"') {
                int end = stringEnd(json, i);
                String text = json.substring(i + 1, end - 1);
                if (expectKey) {
                    pendingKey = text;
                    expectKey = false;
                } else if (pendingKey != null && matches(keys, pendingKey, path)) {
                    return new Span(i, end);
                }
                i = end;
                continue;
            }
            switch (c) {
                case '{', '[' -> {
                    keys.push(pendingKey == null ? "" : pendingKey);
                    objects.push(c == '{');
                    pendingKey = null;
                    expectKey = c == '{';
                }
                case '}', ']' -> {
                    keys.pop();
                    objects.pop();
                    pendingKey = null;
                }
                case ',' -> {
                    pendingKey = null;
                    expectKey = !objects.isEmpty() && objects.peek();
                }
                default -> {}
            }
            i++;
        }
        return null;
    }

    private static boolean matches(Deque<String> open, String key, List<String> path) {
        List<String> p = new ArrayList<>(open); // innermost first
        java.util.Collections.reverse(p);
        p.remove(0); // the top-level object itself
        p.add(key);
        return p.equals(path);
    }

    private static int stringEnd(String json, int start) {
        int i = start + 1;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated string in JSON");
    }
}
