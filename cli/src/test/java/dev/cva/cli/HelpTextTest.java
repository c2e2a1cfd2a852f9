package dev.cva.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelpTextTest {
    @TempDir Path tmp;

    @Test
    void storedHelpIsWhatTheCommandModelRenders() {
        assertThat(HelpText.stored(false)).as("help.txt written by the build").isNotNull().isEqualTo(HelpText.render(false));
        assertThat(HelpText.stored(true)).as("help.ansi.txt written by the build").isEqualTo(HelpText.render(true));
        assertThat(HelpText.stored(true)).contains("\u001b[");
    }

    @Test
    void storedHelpIsExactlyWhatCvaHelpPrints() {
        CliHarness.Result r = new CliHarness(tmp).run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(HelpText.stored(false));
    }
}
