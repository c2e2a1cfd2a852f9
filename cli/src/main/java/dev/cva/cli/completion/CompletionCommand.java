package dev.cva.cli.completion;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cva completion bash|zsh}: prints the completion script. */
@Command(
        name = "completion",
        description = {
            "Print the shell completion script.",
            "bash: source <(cva completion bash)",
            // '$$' keeps picocli from expanding zsh's ${fpath[1]} as one of its own variables
            "zsh:  cva completion zsh > \"$${fpath[1]}/_cva\""
        })
public final class CompletionCommand implements Callable<Integer> {
    public enum Shell {
        bash,
        zsh
    }

    @Parameters(paramLabel = "SHELL", description = "One of: ${COMPLETION-CANDIDATES}.")
    Shell shell;

    private final CvaContext ctx;

    CompletionCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ctx.out().print(shell == Shell.bash ? CompletionScripts.bash() : CompletionScripts.zsh());
        ctx.out().flush();
        return ExitCode.OK.code();
    }
}
