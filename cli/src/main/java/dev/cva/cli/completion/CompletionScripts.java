package dev.cva.cli.completion;

import dev.cva.cli.Cva;
import dev.cva.cli.CvaContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Shell completion scripts generated from the command model. The build runs {@link #main} into
 * {@code target/completions}; a test compares them with the committed {@code completions/} folder.
 */
public final class CompletionScripts {
    public static final String BASH_FILE = "cva.bash";
    public static final String ZSH_FILE = "_cva";

    private CompletionScripts() {}

    public static String bash() {
        return AutoComplete.bash("cva", model());
    }

    /** zsh runs the bash script through bashcompinit, which is how picocli supports zsh. */
    public static String zsh() {
        return "#compdef cva\n"
                + "# zsh completion for cva, generated from its command model. Put this file on your $fpath as _cva,\n"
                + "# or source it from ~/.zshrc.\n"
                + "autoload -U +X compinit && compinit\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + bash();
    }

    private static CommandLine model() {
        StringWriter sink = new StringWriter();
        CvaContext quiet = new CvaContext(
                new PrintWriter(sink),
                new PrintWriter(sink),
                System.in,
                Map.of(),
                Path.of("."),
                Path.of("."),
                Clock.systemUTC(),
                false);
        return Cva.commandLine(quiet);
    }

    /** Writes both scripts into the folder given as the only argument. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "completions");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(BASH_FILE), bash());
        Files.writeString(dir.resolve(ZSH_FILE), zsh());
    }
}
