package dev.cva.cli.shell;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;

/** {@code cva shell}: an interactive shell over the same commands, with completion and history. */
@Command(
        name = "shell",
        description = {
            "Start an interactive shell: the same commands without the 'cva' prefix, with TAB completion and history",
            "(~/.cva/history). 'exit' or Ctrl-D leaves."
        })
public final class ShellCommand implements Callable<Integer> {
    private final CvaContext ctx;

    ShellCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        try (Terminal terminal =
                TerminalBuilder.builder().name("cva").system(true).build()) {
            return new Shell(ctx, terminal).loop();
        } catch (IllegalStateException e) {
            return ExitCode.FAILURE.code();
        }
    }
}
