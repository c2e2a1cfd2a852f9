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
    @TempDir
    Path tmp;

    CliHarness cva() {
        return new CliHarness(tmp).cwd(CliHarness.repoRoot());
    }

    @Test
    void versionIsTheCliModuleVersion() throws Exception {
        String pom = Files.readString(CliHarness.repoRoot().resolve("cli/pom.xml"));
        Matcher m = Pattern.compile("<artifactId>cva-cli</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertThat(m.find()).isTrue();
        CliHarness.Result r = cva().run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).isEqualTo("cva " + m.group(1));
    }

    @Test
    void helpListsEveryCommandAndTheExitCodeTable() {
        CliHarness.Result r = cva().run("--help");
        assertThat(r.exitCode()).isZero();
        for (String command : new String[] {
            "deploy",
            "rollback",
            "status",
            "audit",
            "backup",
            "restore",
            "dr",
            "bump",
            "version",
            "webhook",
            "secrets",
            "replay-dlq",
            "cost",
            "local",
            "events",
            "logs",
            "trace",
            "top",
            "env",
            "infra",
            "purity",
            "config",
            "doctor",
            "completion",
            "shell"
        }) {
            assertThat(r.out()).containsPattern("(?m)^  " + Pattern.quote(command) + "\\s");
        }
        for (ExitCode code : ExitCode.values()) {
            assertThat(r.out())
                    .containsPattern("(?m)^\\s+" + code.code() + "\\s+"
                            + Pattern.quote(code.meaning()
                                    .substring(0, Math.min(20, code.meaning().length()))));
        }
        for (String option :
                new String[] {"--env", "--config", "--json", "--verbose", "--quiet", "--no-color", "--yes", "--no-input"
                }) {
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

    @Test
    void quietLeavesOnlyErrorsOnStderr() {
        // in an empty folder (the built-in configuration): no local stack runs there
        CliHarness.Result chatty = new CliHarness(tmp).run("local", "down");
        assertThat(chatty.exitCode()).isEqualTo(ExitCode.NOTHING_TO_DO.code());
        assertThat(chatty.err()).contains("no local stack was running");
        CliHarness.Result quiet = new CliHarness(tmp).run("local", "down", "--quiet");
        assertThat(quiet.exitCode()).isEqualTo(ExitCode.NOTHING_TO_DO.code());
        assertThat(quiet.err()).isEmpty();
        assertThat(new CliHarness(tmp).run("--quiet", "local", "down").err()).isEmpty();

        // an error still reaches stderr, with its hint, but the environment line (chatter) does not
        CliHarness.Result failed = new CliHarness(tmp).run("--quiet", "cost");
        assertThat(failed.exitCode()).isEqualTo(ExitCode.FAILURE.code());
        assertThat(failed.err())
                .contains("cva: ")
                .contains("no local stack is running")
                .contains("hint: ")
                .doesNotContain("env: ");
    }

    @Test
    void quietSilencesNotesAndWarningsButNotErrors() {
        java.io.StringWriter err = new java.io.StringWriter();
        CvaContext ctx = new CvaContext(
                new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(err),
                java.io.InputStream.nullInputStream(),
                java.util.Map.of(),
                tmp,
                tmp,
                java.time.Clock.systemUTC(),
                true);
        ctx.globals(new dev.cva.cli.options.GlobalOptions(null, null, false, false, true, false, false));
        ctx.info("a note");
        ctx.warn("a warning");
        assertThat(err.toString()).isEmpty();
        assertThat(ctx.progress())
                .as("no progress bar on a terminal under --quiet")
                .isFalse();
        Cva.failure(ctx, new CvaException(ExitCode.FAILURE, "it broke", "try again", null));
        assertThat(err.toString()).contains("it broke").contains("hint: try again");
    }
}
