package dev.cva.cli.config;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Changes one value of an environment in cva.yaml in place, keeping every other line and comment as it is (the
 * switch after a restore: the environment's table names and Firestore database). A value the file does not set yet
 * is added as the first line of its mapping when that mapping exists (e.g. {@code gcp.firestoreDatabase} under an
 * environment's {@code gcp:}).
 */
public final class ConfigEdit {
    private static final Pattern VALUE = Pattern.compile("^(\\s*[A-Za-z0-9_]+:\\s*)([^#\\s][^#]*?)(\\s*(#.*)?)$");

    private ConfigEdit() {}

    /** Sets {@code environments.<environment>.<key>} to {@code value} in the loaded file; the old value, null when unset. */
    public static String set(ConfigLoader.Loaded loaded, String environment, String key, String value) {
        if (loaded.file() == null) {
            throw new CvaException(
                    ExitCode.FAILURE, "the configuration was not read from a file: cannot set " + key, null);
        }
        List<String> path = new ArrayList<>(List.of("environments", environment));
        path.addAll(Arrays.asList(key.split("\\.")));
        String[] lines = loaded.text().split("\n", -1);
        int firstChild = YamlLines.firstChildLine(loaded.text(), path.subList(0, path.size() - 1));
        int parent = YamlLines.lineOf(loaded.text(), path.subList(0, path.size() - 1));
        if (firstChild > 0 && YamlLines.lineOf(loaded.text(), path) <= parent) {
            // the mapping exists, the key does not: add it right under the mapping's key, indented as its keys (so
            // a comment above the first key stays with it)
            String first = lines[firstChild - 1];
            String indent =
                    first.substring(0, first.length() - first.stripLeading().length());
            List<String> out = new ArrayList<>(Arrays.asList(lines));
            out.add(parent, indent + path.get(path.size() - 1) + ": " + value);
            write(loaded, String.join("\n", out));
            return null;
        }
        int line = YamlLines.lineOf(loaded.text(), path);
        Matcher m = line > 0 && line <= lines.length ? VALUE.matcher(lines[line - 1]) : null;
        if (m == null || !m.matches()) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    loaded.displayName() + " sets no environments." + environment + "." + key
                            + " on one line: cannot switch it",
                    "set environments." + environment + "." + key + ": " + value + " by hand");
        }
        String old = m.group(2);
        lines[line - 1] = m.group(1) + value + m.group(3);
        write(loaded, String.join("\n", lines));
        return old;
    }

    private static void write(ConfigLoader.Loaded loaded, String text) {
        try {
            Files.writeString(loaded.file(), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot write " + loaded.file() + ": " + e.getMessage(), null, e);
        }
    }
}
