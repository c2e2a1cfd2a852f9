package dev.cva.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The help of every command: every option and positional says what it is for and has a label, and the full text of
 * each command's help is the committed golden file {@code cli/src/test/resources/help/<command path>.txt}.
 *
 * <p>After changing commands or options, regenerate the golden files with one command and review the diff:
 * <pre>./mvnw -B -o -q -pl cli -am verify -Dtest=HelpTextTest -Dsurefire.failIfNoSpecifiedTests=false -Dcva.help.update=true</pre>
 */
class HelpTextTest {
    static final String UPDATE = "cva.help.update";
    static final String REGENERATE = "regenerate with './mvnw -B -o -q -pl cli -am verify -Dtest=HelpTextTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE + "=true' and review the diff";
    static final int WIDTH = 80;

    @TempDir
    Path tmp;

    @Test
    void storedHelpIsWhatTheCommandModelRenders() {
        assertThat(HelpText.stored(false))
                .as("help.txt written by the build")
                .isNotNull()
                .isEqualTo(HelpText.render(false));
        assertThat(HelpText.stored(true))
                .as("help.ansi.txt written by the build")
                .isEqualTo(HelpText.render(true));
        assertThat(HelpText.stored(true)).contains("\u001b[");
    }

    @Test
    void storedHelpIsExactlyWhatCvaHelpPrints() {
        CliHarness.Result r = new CliHarness(tmp).run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(HelpText.stored(false));
    }

    @Test
    void everyOptionAndParameterHasADescriptionAndALabel() {
        List<String> problems = new ArrayList<>();
        commands().forEach((path, cmd) -> {
            for (OptionSpec o : cmd.getCommandSpec().options()) {
                if (!o.hidden()) {
                    check(path + " " + o.longestName(), o, problems);
                }
            }
            for (PositionalParamSpec p : cmd.getCommandSpec().positionalParameters()) {
                if (!p.hidden()) {
                    check(path + " " + p.paramLabel() + " (positional " + p.index() + ")", p, problems);
                }
            }
        });
        assertThat(problems)
                .as("options and parameters whose help is incomplete")
                .isEmpty();
    }

    @Test
    void everyCommandsHelpIsTheCommittedText() throws IOException {
        Path dir = goldenDir();
        Map<String, String> rendered = new LinkedHashMap<>();
        commands().forEach((path, cmd) -> rendered.put(path.replace(' ', '-') + ".txt", cmd.getUsageMessage(Ansi.OFF)));

        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
            for (Map.Entry<String, String> e : rendered.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue());
            }
            return;
        }
        List<String> problems = new ArrayList<>();
        TreeSet<String> committed = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString()).forEach(committed::add);
            }
        }
        for (Map.Entry<String, String> e : rendered.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                problems.add("no golden file " + file.getFileName() + " for this help:\n" + e.getValue());
                continue;
            }
            String expected = Files.readString(file);
            if (!expected.equals(e.getValue())) {
                problems.add(
                        file.getFileName() + " differs (- committed, + rendered):\n" + diff(expected, e.getValue()));
            }
        }
        committed.removeAll(rendered.keySet());
        committed.forEach(f -> problems.add("golden file " + f + " names no command any more"));
        assertThat(problems)
                .as("help differs from " + dir + "; if the change is meant, " + REGENERATE)
                .isEmpty();
    }

    @Test
    void theDiffNamesTheChangedLines() {
        assertThat(diff("a\nb\nc\n", "a\nB\nc\nd\n")).isEqualTo("  a\n- b\n+ B\n  c\n+ d\n");
    }

    private static void check(String where, ArgSpec arg, List<String> problems) {
        boolean described = arg.description().length > 0
                && !String.join("", arg.description()).isBlank();
        if (!described) {
            problems.add(where + ": no description");
        }
        // picocli's fallback label for an unlabelled option or parameter is the field name in angle brackets
        boolean takesValue = arg.arity().max() > 0;
        String label = arg.paramLabel();
        if (takesValue && label.startsWith("<") && label.endsWith(">")) {
            problems.add(where + ": raw label " + label + " (give it a paramLabel)");
        }
    }

    /** Every command and subcommand, by its path ("cva", "cva local up"), rendered at a fixed width without colour. */
    static Map<String, CommandLine> commands() {
        StringWriter sink = new StringWriter();
        CvaContext ctx = new CvaContext(
                new PrintWriter(sink),
                new PrintWriter(sink),
                InputStream.nullInputStream(),
                Map.of(),
                Path.of("."),
                Path.of("."),
                Clock.systemUTC(),
                false);
        CommandLine root = Cva.commandLine(ctx);
        root.setUsageHelpAutoWidth(false);
        root.setUsageHelpWidth(WIDTH);
        root.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
        Map<String, CommandLine> all = new LinkedHashMap<>();
        walk("cva", root, all);
        return all;
    }

    private static void walk(String path, CommandLine cmd, Map<String, CommandLine> all) {
        all.put(path, cmd);
        // aliases appear in getSubcommands() once per name: visit each command once, under its name
        cmd.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) {
                walk(path + " " + name, sub, all);
            }
        });
    }

    private static Path goldenDir() {
        return CliHarness.repoRoot().resolve("cli/src/test/resources/help");
    }

    /** A line diff (longest common subsequence): "  " same, "- " only committed, "+ " only rendered. */
    static String diff(String expected, String actual) {
        String[] a = expected.lines().toArray(String[]::new);
        String[] b = actual.lines().toArray(String[]::new);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        boolean changed = false;
        int i = 0, j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                out.append("  ").append(a[i++]).append('\n');
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.append("- ").append(a[i++]).append('\n');
                changed = true;
            } else {
                out.append("+ ").append(b[j++]).append('\n');
                changed = true;
            }
        }
        return changed ? out.toString() : out + "(same lines; line endings or the final newline differ)\n";
    }
}
