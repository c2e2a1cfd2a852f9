package dev.cva.cli.shell;

import dev.cva.cli.Cva;
import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jline.console.impl.SystemRegistryImpl;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import picocli.CommandLine;
import picocli.shell.jline3.PicocliCommands;

/** The read-eval loop of {@code cva shell}; each line runs through {@link Cva#run}, exactly as on the command line. */
public final class Shell {
    private final CvaContext base;
    private final Terminal terminal;

    public Shell(CvaContext base, Terminal terminal) {
        this.base = base;
        this.terminal = terminal;
    }

    public int loop() throws IOException {
        PrintWriter out = terminal.writer();
        CvaContext lineContext = base.withStreams(out, out);
        CommandLine model = Cva.commandLine(lineContext);
        Parser parser = new DefaultParser();
        SystemRegistryImpl registry = new SystemRegistryImpl(parser, terminal, base::cwd, null);
        registry.setCommandRegistries(new PicocliCommands(model));
        Path history = base.home().resolve(".cva/history");
        Files.createDirectories(history.getParent());
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("cva")
                .completer(registry.completer())
                .parser(parser)
                .variable(LineReader.HISTORY_FILE, history)
                .build();
        out.println("cva shell: type 'help' for the commands, TAB to complete, 'exit' to leave.");
        int last = ExitCode.OK.code();
        while (true) {
            String line;
            try {
                line = reader.readLine("cva> ");
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            List<String> words = parser.parse(line, line.length()).words().stream()
                    .filter(w -> !w.isEmpty())
                    .toList();
            if (words.isEmpty()) {
                continue;
            }
            if (words.get(0).equals("exit") || words.get(0).equals("quit")) {
                break;
            }
            if (words.get(0).equals("shell")) {
                out.println("cva: already in the shell");
                continue;
            }
            last = Cva.run(base.withStreams(out, out), words.toArray(String[]::new));
            out.flush();
        }
        reader.getHistory().save();
        return last;
    }
}
