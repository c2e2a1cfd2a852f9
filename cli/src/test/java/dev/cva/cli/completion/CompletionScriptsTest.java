package dev.cva.cli.completion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.CliHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionScriptsTest {
    static final String REGENERATE = "completions/ is stale: regenerate it with "
            + "'java -cp \"cli/target/classes:cli/target/lib/*\" dev.cva.cli.completion.CompletionScripts completions' "
            + "(or copy cli/target/completions/* after './mvnw -pl cli -am install -DskipTests')";

    @TempDir
    Path tmp;

    @Test
    void committedScriptsMatchTheCommandModel() throws Exception {
        Path committed = CliHarness.repoRoot().resolve("completions");
        assertThat(Files.readString(committed.resolve(CompletionScripts.BASH_FILE)))
                .as(REGENERATE)
                .isEqualTo(CompletionScripts.bash());
        assertThat(Files.readString(committed.resolve(CompletionScripts.ZSH_FILE)))
                .as(REGENERATE)
                .isEqualTo(CompletionScripts.zsh());
    }

    @Test
    void completionCommandPrintsTheScripts() {
        CliHarness cli = new CliHarness(tmp);
        CliHarness.Result bash = cli.run("completion", "bash");
        assertThat(bash.exitCode()).isZero();
        assertThat(bash.out()).isEqualTo(CompletionScripts.bash()).contains("complete -F _complete_cva");
        assertThat(cli.run("completion", "zsh").out())
                .startsWith("#compdef cva")
                .contains("bashcompinit");
        assertThat(cli.run("completion", "fish").exitCode()).isEqualTo(2);
    }

    @Test
    void bashScriptParsesAndCompletesSubcommands() throws Exception {
        Path script = tmp.resolve("cva.bash");
        Files.writeString(script, CompletionScripts.bash());
        String probe = "source " + script + "; COMP_WORDS=(cva con); COMP_CWORD=1; COMP_LINE='cva con'; COMP_POINT=7; "
                + "_complete_cva; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", probe)
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(out.lines()).contains("config");
    }
}
