package dev.cva.cli.env;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cva env, env use, env list, the stderr line and the confirmation of cloud changes, run in-process as a user would. */
class EnvCommandTest {
    static final String YAML = """
            project: t
            %s
            services:
              processor:
                cloud: aws
                module: services/processor
                handler: dev.cva.processor.ProcessorHandler::handleRequest
                runtime: java21
            environments:
              local:
                aws:
                  region: eu-west-2
                gcp:
                  project: demo-t
              staging:
                aws:
                  region: eu-west-1
              prod:
                aws:
                  account: "123456789012"
                  region: eu-west-2
                gcp:
                  project: t-prod
            """;

    @TempDir
    Path dir;

    Path project;

    @BeforeEach
    void checkout() throws Exception {
        project = Files.createDirectories(dir.resolve("project"));
        write("");
    }

    void write(String defaultLine) throws Exception {
        Files.writeString(project.resolve("cva.yaml"), YAML.formatted(defaultLine));
    }

    CliHarness cva() {
        return new CliHarness(project);
    }

    static JsonNode json(CliHarness.Result r) throws Exception {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return CvaContext.json().readTree(r.out());
    }

    static String nameAndSource(CliHarness.Result r) throws Exception {
        JsonNode j = json(r);
        return j.path("environment").asText() + "/" + j.path("source").asText();
    }

    @Test
    void resolutionOrderIsFlagThenVariableThenEnvUseThenCvaYamlThenLocal() throws Exception {
        assertThat(nameAndSource(cva().run("env", "--json"))).isEqualTo("local/builtIn");

        write("defaultEnvironment: staging");
        assertThat(nameAndSource(cva().run("env", "--json"))).isEqualTo("staging/config");

        assertThat(cva().run("env", "use", "prod").exitCode()).isZero();
        assertThat(nameAndSource(cva().run("env", "--json"))).isEqualTo("prod/selected");

        assertThat(nameAndSource(cva().env("CVA_ENV", "local").run("env", "--json")))
                .isEqualTo("local/variable");

        assertThat(nameAndSource(cva().env("CVA_ENV", "local").run("env", "--env", "staging", "--json")))
                .isEqualTo("staging/flag");
        // and from a subfolder of the checkout: the choice belongs to the checkout, not to the folder
        Path sub = Files.createDirectories(project.resolve("services/processor"));
        assertThat(nameAndSource(cva().cwd(sub).run("env", "--json"))).isEqualTo("prod/selected");
    }

    @Test
    void envUseIsKeptUnderDotCvaAndHonouredByOtherCommands() throws Exception {
        CliHarness.Result use = cva().run("env", "use", "prod", "--json");
        JsonNode used = json(use);
        assertThat(used.path("environment").asText()).isEqualTo("prod");
        assertThat(used.path("file").asText())
                .isEqualTo(project.resolve(".cva/environment").toString());
        assertThat(Files.readString(project.resolve(".cva/environment")).strip())
                .isEqualTo("prod");
        // no temporary file is left behind by the atomic write
        try (var files = Files.list(project.resolve(".cva"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("environment");
        }

        JsonNode config = json(cva().run("config", "show", "--json"));
        assertThat(config.path("environment").asText()).isEqualTo("prod");
        assertThat(config.path("settings").path("aws.account").path("value").asText())
                .isEqualTo("123456789012");

        CliHarness.Result text = cva().run("env");
        assertThat(text.out())
                .contains(
                        "environment: prod",
                        "cva env use (" + project.resolve(".cva/environment") + ")",
                        "account 123456789012, region eu-west-2",
                        "project t-prod");

        CliHarness.Result overridden = cva().env("CVA_ENV", "staging").run("env", "use", "local");
        assertThat(overridden.exitCode()).as(overridden.toString()).isZero();
        assertThat(overridden.err()).contains("CVA_ENV still chooses another environment");
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownOnes() throws Exception {
        CliHarness.Result r = cva().run("env", "use", "prdo");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("unknown environment 'prdo'", "known environments: local, prod, staging");
        assertThat(project.resolve(".cva/environment")).doesNotExist();

        // a stale choice (the environment left cva.yaml) says where it came from and how to fix it
        Files.createDirectories(project.resolve(".cva"));
        Files.writeString(project.resolve(".cva/environment"), "gone\n");
        CliHarness.Result stale = cva().run("config", "show");
        assertThat(stale.exitCode()).as(stale.toString()).isEqualTo(2);
        assertThat(stale.err()).contains("unknown environment 'gone' (from cva env use)", "cva env use NAME");

        CliHarness.Result variable = cva().env("CVA_ENV", "nope").run("env");
        assertThat(variable.exitCode()).as(variable.toString()).isEqualTo(2);
        assertThat(variable.err()).contains("from CVA_ENV", "unset it");

        write("defaultEnvironment: nowhere");
        CliHarness.Result badDefault = cva().run("env", "--env", "local");
        assertThat(badDefault.exitCode()).as(badDefault.toString()).isEqualTo(2);
        assertThat(badDefault.err())
                .contains("cva.yaml:2", "defaultEnvironment: 'nowhere' is not one of the environments");
    }

    @Test
    void listShowsCloudsAccountsAndTheCurrentOne() throws Exception {
        cva().run("env", "use", "prod");
        CliHarness.Result text = cva().run("env", "list");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out().lines().toList())
                .anySatisfy(l -> assertThat(l).startsWith("*").contains("prod", "123456789012", "eu-west-2", "t-prod"));
        assertThat(text.out().lines().filter(l -> l.startsWith("*")).count()).isEqualTo(1);
        assertThat(text.out()).contains("local (this machine)", "demo-t");

        JsonNode j = json(cva().run("env", "list", "--json"));
        assertThat(j.path("current").asText()).isEqualTo("prod");
        assertThat(j.path("source").asText()).isEqualTo("selected");
        assertThat(j.path("environments").findValuesAsText("name")).containsExactly("local", "staging", "prod");
        JsonNode prod = j.path("environments").get(2);
        assertThat(prod.path("current").asBoolean()).isTrue();
        assertThat(prod.path("local").asBoolean()).isFalse();
        assertThat(prod.path("aws").path("account").asText()).isEqualTo("123456789012");
        assertThat(prod.path("aws").path("region").asText()).isEqualTo("eu-west-2");
        assertThat(prod.path("gcp").path("project").asText()).isEqualTo("t-prod");
        JsonNode staging = j.path("environments").get(1);
        assertThat(staging.path("gcp").isNull())
                .as("no gcp section: no gcp cloud")
                .isTrue();
        assertThat(staging.path("aws").path("account").isNull()).isTrue();
        assertThat(j.path("environments").get(0).path("local").asBoolean()).isTrue();
    }

    @Test
    void aCommandThatTalksToAnEnvironmentNamesItOnStderrOnly() throws Exception {
        cva().run("env", "use", "prod");
        CliHarness.Result r = cva().run("config", "show");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err().lines().filter(l -> l.startsWith("env: ")).toList())
                .containsExactly("env: prod (aws 123456789012 eu-west-2 · gcp t-prod)");
        assertThat(r.out()).doesNotContain("env: ");

        CliHarness.Result json = cva().run("config", "show", "--json");
        assertThat(json.err()).doesNotContain("env: ");
        assertThat(json(json).path("environment").asText()).isEqualTo("prod");

        // replay-dlq on local without a stack: the line on stderr, and under --json only the error document on stdout
        CliHarness.Result replay = cva().run("replay-dlq", "--env", "local");
        assertThat(replay.err()).contains("env: local (the stack on this machine)");
        CliHarness.Result replayJson = cva().run("replay-dlq", "--env", "local", "--json");
        assertThat(replayJson.exitCode()).isEqualTo(1);
        assertThat(replayJson.out() + replayJson.err()).doesNotContain("env: ");
        assertThat(CvaContext.json()
                        .readTree(replayJson.out())
                        .path("error")
                        .path("exitCode")
                        .asInt())
                .isEqualTo(1);

        // the env commands themselves print no such line: they are about the choice, not an environment's contents
        assertThat(cva().run("env", "list").err()).doesNotContain("env: ");
    }

    @Test
    void onLocalWithNoStackReplayAndDeploySaySoAndNameTheTwoWaysOn() throws Exception {
        for (String[] args : new String[][] {{"replay-dlq"}, {"deploy", "processor"}}) {
            CliHarness.Result r = cva().run(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err())
                    .contains(
                            "env: local (the stack on this machine)",
                            "the local stack is not running (environment 'local', from built-in default)",
                            "cva local up",
                            "cva env use prod");
        }
    }

    @Test
    void aCloudChangeAsksOnATerminalAndRefusesWithoutOne() throws Exception {
        cva().run("env", "use", "prod");
        // no terminal, no --yes, no CI: refused at once, nothing read from stdin
        CliHarness.Result piped = cva().stdin("y\n").run("rollback", "processor");
        assertThat(piped.exitCode()).as(piped.toString()).isEqualTo(2);
        assertThat(piped.err())
                .contains(
                        "cva roll back processor changes prod (aws 123456789012 eu-west-2 · gcp t-prod)",
                        "no terminal",
                        "--yes",
                        "CI");
        assertThat(piped.err()).doesNotContain("[y/N]");

        // a terminal: the question names the environment and the account; "n" changes nothing (exit 4)
        CliHarness.Result no = cva().terminal(true).stdin("n\n").run("deploy", "processor", "--canary", "10");
        assertThat(no.exitCode()).as(no.toString()).isEqualTo(4);
        assertThat(no.err())
                .contains(
                        "Deploy processor in prod (aws 123456789012 eu-west-2 · gcp t-prod)? [y/N]",
                        "not confirmed: nothing changed in prod");

        CliHarness.Result eof = cva().terminal(true).run("deploy", "promote", "processor");
        assertThat(eof.exitCode()).as(eof.toString()).isEqualTo(4);

        // --dry-run changes nothing, so it asks nothing (it fails later, reading a cloud it cannot reach)
        assertThat(cva().terminal(true)
                        .stdin("n\n")
                        .run("deploy", "processor", "--dry-run", "--canary", "0")
                        .err())
                .doesNotContain("[y/N]")
                .contains("--canary must be between 1 and 99");
        // on local nothing is asked either
        CliHarness.Result local = cva().terminal(true).stdin("n\n").run("rollback", "processor", "--env", "local");
        assertThat(local.err()).doesNotContain("[y/N]").contains("local stack is not running");
    }

    @Test
    void yesAnswersAndCiSkipTheQuestion() throws Exception {
        cva().run("env", "use", "prod");
        CvaContext typed = context(true, "y\n", "CVA_ENV", "prod");
        Confirmation.cloudChange(typed, "deploy processor");
        assertThat(errOf(typed)).contains("Deploy processor in prod (aws 123456789012 eu-west-2 · gcp t-prod)? [y/N]");

        CvaContext ci = context(false, "", "CI", "1");
        Confirmation.cloudChange(ci, "deploy processor");
        assertThat(errOf(ci)).doesNotContain("[y/N]");

        CliHarness.Result ciRun = cva().env("CI", "1").run("deploy", "processor", "--canary", "150");
        assertThat(ciRun.exitCode()).as(ciRun.toString()).isEqualTo(2);
        assertThat(ciRun.err()).doesNotContain("[y/N]").contains("--canary must be between 1 and 99");
        CliHarness.Result yes = cva().run("deploy", "processor", "--canary", "150", "--yes");
        assertThat(yes.err()).doesNotContain("[y/N]").contains("--canary must be between 1 and 99");
    }

    private final java.util.Map<CvaContext, java.io.StringWriter> errs = new java.util.IdentityHashMap<>();

    private CvaContext context(boolean terminal, String stdin, String var, String value) {
        java.io.StringWriter err = new java.io.StringWriter();
        CvaContext ctx = new CvaContext(
                new java.io.PrintWriter(new java.io.StringWriter(), true),
                new java.io.PrintWriter(err, true),
                new java.io.ByteArrayInputStream(stdin.getBytes()),
                java.util.Map.of(var, value),
                project,
                project.resolve("home"),
                java.time.Clock.systemUTC(),
                terminal);
        errs.put(ctx, err);
        return ctx;
    }

    private String errOf(CvaContext ctx) {
        return errs.get(ctx).toString();
    }
}
