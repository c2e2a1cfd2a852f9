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
 * switch after a restore: the environment's table names). Only values that the file already sets can change.
 */
public final class ConfigEdit {
    private static final Pattern VALUE = Pattern.compile("^(\\s*[A-Za-z0-9_]+:\\s*)([^#\\s][^#]*?)(\\s*(#.*)?)$");

    private ConfigEdit() {}

    /** Sets {@code environments.<environment>.<key>} to {@code value} in the loaded file; the old value. */
    public static String set(ConfigLoader.Loaded loaded, String environment, String key, String value) {
        if (loaded.file() == null) {
            throw new CvaException(ExitCode.FAILURE, "the configuration was not read from a file: cannot set " + key, null);
        }
        List<String> path = new ArrayList<>(List.of("environments", environment));
        path.addAll(Arrays.asList(key.split("\\.")));
        int line = YamlLines.lineOf(loaded.text(), path);
        String[] lines = loaded.text().split("\n", -1);
        Matcher m = line > 0 && line <= lines.length ? VALUE.matcher(lines[line - 1]) : null;
        if (m == null || !m.matches()) {
            throw new CvaException(ExitCode.FAILURE, loaded.displayName() + " sets no environments." + environment + "." + key
                    + " on one line: cannot switch it", "set environments." + environment + "." + key + ": " + value + " by hand");
        }
        String old = m.group(2);
        lines[line - 1] = m.group(1) + value + m.group(3);
        try {
            Files.writeString(loaded.file(), String.join("\n", lines), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot write " + loaded.file() + ": " + e.getMessage(), null, e);
        }
        return old;
    }
}
