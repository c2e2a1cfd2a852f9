package dev.cva.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CvaCommandTest {
    @TempDir Path tmp;

    CliHarness cva() {
        return new CliHarness(tmp).cwd(CliHarness.repoRoot());
    }

    @Test
    void versionIsTheCliModuleVersion() throws Exception {
        String pom = Files.readString(CliHarness.repoRoot().resolve("cli/pom.xml"));
        Matcher m = Pattern.compile("<artifactId>cva-cli</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).isTrue();
        CliHarness.Result r = cva().run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).isEqualTo("cva " + m.group(1));
    }

    @Test
    void helpListsEveryCommandAndTheExitCodeTable() {
        CliHarness.Result r = cva().run("--help");
        assertThat(r.exitCode()).isZero();
        for (String command : new String[] {"deploy", "rollback", "status", "bump", "version", "webhook", "replay-dlq",
                "cost", "local", "events", "infra", "purity", "config", "doctor", "completion", "shell"}) {
            assertThat(r.out()).containsPattern("(?m)^  " + Pattern.quote(command) + "\\s");
        }
        for (ExitCode code : ExitCode.values()) {
            assertThat(r.out()).containsPattern("(?m)^\\s+" + code.code() + "\\s+" + Pattern.quote(code.meaning().substring(0, Math.min(20, code.meaning().length()))));
        }
        for (String option : new String[] {"--env", "--config", "--json", "--verbose", "--no-color", "--yes", "--no-input"}) {
            assertThat(r.out()).contains(option);
        }
    }

    @Test
    void noArgumentsIsAUsageError() {
        CliHarness.Result r = cva().run();
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: cva");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownOptionOrCommandIsAUsageErrorWithASuggestion() {
        CliHarness.Result r = cva().run("confg", "show");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument").contains("config");
        CliHarness.Result bad = cva().run("doctor", "--frobnicate");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--frobnicate");
    }

    @Test
    void jsonErrorsAreAnObjectOnStdout() throws Exception {
        CliHarness.Result r = cva().run("cost", "--month", "previous", "--json");
        JsonNode error = CvaContext.json().readTree(r.out()).path("error");
        assertThat(error.path("exitCode").asInt()).isEqualTo(2);
        assertThat(error.path("message").asText()).contains("the local stack keeps no history");
        assertThat(error.path("hint").asText()).contains("--env prod");
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() {
        CliHarness.Result before = cva().run("--json", "--env", "prod", "config", "show");
        CliHarness.Result after = cva().run("config", "show", "--env", "prod", "--json");
        assertThat(before.exitCode()).isZero();
        assertThat(before.out()).isEqualTo(after.out()).contains("\"environment\" : \"prod\"");
    }

    @Test
    void stackTracesOnlyWithVerbose() {
        Path broken = tmp.resolve("cva.yaml");
        CliHarness.Result quiet = cva().run("config", "show", "--config", broken.toString());
        assertThat(quiet.err()).doesNotContain("\tat ");
        CliHarness.Result verbose = cva().run("config", "show", "--config", broken.toString(), "--verbose");
        assertThat(verbose.exitCode()).isEqualTo(2);
        assertThat(verbose.err()).contains("\tat dev.cva.cli");
    }
}
