package dev.cva.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine.Help.Ansi;

/**
 * {@code cva --help}, rendered from the command model at build time and stored in the jar. Rendering the root
 * help builds a help object for every subcommand, which costs more than the rest of start-up; the text only
 * changes when the commands do, so the build renders it once ({@link #main}) and a test checks it is current.
 */
public final class HelpText {
    static final String PLAIN = "help.txt";
    static final String ANSI = "help.ansi.txt";

    private HelpText() {}

    /** The root usage message as picocli renders it from the live model. */
    public static String render(boolean ansi) {
        StringWriter sink = new StringWriter();
        CvaContext quiet = new CvaContext(
                new PrintWriter(sink),
                new PrintWriter(sink),
                InputStream.nullInputStream(),
                Map.of(),
                Path.of("."),
                Path.of("."),
                Clock.systemUTC(),
                false);
        return Cva.commandLine(quiet).getUsageMessage(ansi ? Ansi.ON : Ansi.OFF);
    }

    /** The stored text, or null when the jar was built without it (then the caller renders it). */
    static String stored(boolean ansi) {
        try (InputStream in = HelpText.class.getResourceAsStream(ansi ? ANSI : PLAIN)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** Build step: writes both variants into the folder given as the only argument. */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        Files.writeString(dir.resolve(PLAIN), render(false));
        Files.writeString(dir.resolve(ANSI), render(true));
    }
}
