package dev.cva.cli.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import dev.cva.contracts.webhook.WebhookSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cva webhook send} and {@code load} against a stand-in receiver on a JDK HttpServer. */
class SendCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final WebhookSecret secret = WebhookSecret.random();
    private StubReceiver stub;

    @BeforeEach
    void start() {
        stub = StubReceiver.start(secret);
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private CliHarness cli() {
        return new CliHarness(tmp).cwd(CliHarness.repoRoot()).env("CVA_WEBHOOK_SECRET", secret.reveal());
    }

    @Test
    void sendPrintsStatusLatencyAndResponse() throws Exception {
        CliHarness.Result r = cli().run("webhook", "send", "--url", stub.url(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.get("status").asInt()).isEqualTo(200);
        assertThat(out.get("ok").asBoolean()).isTrue();
        assertThat(out.get("latencyMs").asDouble()).isPositive();
        assertThat(out.at("/response/status").asText()).isEqualTo("stored");
        assertThat(out.get("webhookId").asText()).startsWith("msg_");

        CliHarness.Result text =
                cli().run("webhook", "send", "--url", stub.url(), "--scheme", "both", "--event", "partial-match");
        assertEquals(0, text.exitCode(), text.toString());
        assertThat(text.out()).startsWith("200 ").contains("ms " + stub.url(), "\"stored\"");
    }

    /** A copy of the project without a local stack's state file (a developer's own stack may be running). */
    private Path isolatedProject() throws java.io.IOException {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.copy(
                CliHarness.repoRoot().resolve("cva.yaml"),
                project.resolve("cva.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return project;
    }

    @Test
    void theUrlComesFromTheEnvironmentsSettings() throws Exception {
        CliHarness.Result r = cli().env("CVA_WEBHOOK_URL", stub.url()).run("webhook", "send");
        assertEquals(0, r.exitCode(), r.toString());
        CliHarness.Result viaGcp = cli().env("CVA_GCP_RECEIVER_URL", stub.url()).run("webhook", "send");
        assertEquals(0, viaGcp.exitCode(), viaGcp.toString());
        CliHarness.Result none = cli().cwd(isolatedProject()).run("webhook", "send");
        assertEquals(2, none.exitCode(), none.toString());
        assertThat(none.err()).contains("no receiver URL", "--url", "CVA_WEBHOOK_URL", "cva local up");
    }

    @Test
    void forTheLocalEnvironmentTheRunningStacksStateFileGivesTheUrl() throws Exception {
        Path project = isolatedProject();
        Path state = dev.cva.cli.stackclient.LocalState.file(project);
        Files.createDirectories(state.getParent());
        dev.cva.cli.stackclient.LocalState running = new dev.cva.cli.stackclient.LocalState(
                ProcessHandle.current().pid(),
                System.currentTimeMillis(),
                true,
                java.util.Map.of(
                        "receiver", new dev.cva.cli.stackclient.LocalState.Part("receiver", stub.url(), 0, 0, "stub")),
                java.util.Map.of());
        Files.writeString(state, dev.cva.cli.CvaContext.json().writeValueAsString(running));
        CliHarness.Result r = cli().cwd(project).run("webhook", "send", "--env", "local", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertThat(JSON.readTree(r.out()).get("url").asText()).isEqualTo(stub.url());
        // An explicit variable still wins over the state file; prod never reads it.
        CliHarness.Result explicit = cli().cwd(project)
                .env("CVA_WEBHOOK_URL", "http://127.0.0.1:9/")
                .run("webhook", "send", "--timeout", "1s");
        assertThat(explicit.err()).contains("127.0.0.1:9");
        CliHarness.Result prod = cli().cwd(project).run("webhook", "send", "--env", "prod");
        assertEquals(2, prod.exitCode(), prod.toString());
        assertThat(prod.err())
                .contains("no receiver URL for environment 'prod'")
                .doesNotContain("cva local up");
    }

    @Test
    void aNon2xxAnswerExitsOne() {
        CliHarness.Result r = cli().env(
                        "CVA_WEBHOOK_SECRET", WebhookSecret.random().reveal())
                .run("webhook", "send", "--url", stub.url());
        assertEquals(1, r.exitCode(), r.toString());
        assertThat(r.out()).startsWith("401 ").contains("bad_signature");
    }

    @Test
    void anUnreachableReceiverExitsOneWithAHint() {
        CliHarness.Result r = cli().run("webhook", "send", "--url", "http://127.0.0.1:9/", "--timeout", "2s");
        assertEquals(1, r.exitCode(), r.toString());
        assertThat(r.err()).contains("could not reach the receiver", "hint:");
    }

    @Test
    void dataIsSentByteForByte() throws Exception {
        Path body = Files.writeString(tmp.resolve("b.json"), "{\"hello\": \"world\"}\n");
        CliHarness.Result r = cli().run("webhook", "send", "--url", stub.url(), "--data=@" + body, "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertThat(JSON.readTree(r.out()).get("bodyBytes").asInt()).isEqualTo(Files.size(body));
    }

    @Test
    void webhookAloneShowsItsSubcommands() {
        CliHarness.Result r = cli().run("webhook");
        assertEquals(2, r.exitCode(), r.toString());
        assertThat(r.err()).contains("send", "sign", "verify", "load");
    }

    @Test
    void unknownEventsListTheKnownOnes() {
        CliHarness.Result r = cli().run("webhook", "send", "--url", stub.url(), "--event", "nope");
        assertEquals(2, r.exitCode(), r.toString());
        assertThat(r.err()).contains("unknown event 'nope'", "full-match", "invalid/missing-data");
        CliHarness.Result help = cli().run("webhook", "send", "--help");
        assertThat(help.out())
                .contains("anonymous-no-match", "--secret-env", "--replay")
                .doesNotContain("--secret=");
    }

    @Test
    void negativeModesPassAgainstACorrectReceiver() throws Exception {
        CliHarness.Result r = cli().run(
                        "webhook",
                        "send",
                        "--url",
                        stub.url(),
                        "--tamper",
                        "--wrong-secret",
                        "--stale",
                        "--future",
                        "15m",
                        "--replay",
                        "--no-signature",
                        "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.get("passed").asBoolean()).isTrue();
        assertThat(out.get("cases")).hasSize(6);
        JsonNode replay = out.get("cases").get(4);
        assertThat(replay.get("mode").asText()).isEqualTo("replay");
        assertThat(replay.get("expected").toString()).isEqualTo("[\"2xx\",\"2xx|401\"]");
        assertThat(replay.get("actual").toString()).isEqualTo("[200,200]");
        assertThat(r.out()).doesNotContain(secret.reveal());
    }

    @Test
    void negativeModesExitFiveAgainstAReceiverThatAcceptsEverything() {
        try (StubReceiver lenient = StubReceiver.start(secret, true)) {
            CliHarness.Result r = cli().run("webhook", "send", "--url", lenient.url(), "--tamper", "--no-signature");
            assertEquals(5, r.exitCode(), r.toString());
            assertThat(r.out()).contains("MODE", "tamper", "401", "200", "WRONG");
        }
    }

    @Test
    void timestampModesNeedTheStandardScheme() {
        CliHarness.Result r = cli().run("webhook", "send", "--url", stub.url(), "--scheme", "legacy", "--replay");
        assertEquals(2, r.exitCode(), r.toString());
        assertThat(r.err()).contains("--replay needs the standard scheme");
        CliHarness.Result legacyTamper =
                cli().run("webhook", "send", "--url", stub.url(), "--scheme", "legacy", "--tamper");
        assertEquals(0, legacyTamper.exitCode(), legacyTamper.toString());
    }

    @Test
    void aSkewWithinTheToleranceIsExpectedToBeAccepted() {
        CliHarness.Result r = cli().run("webhook", "send", "--url", stub.url(), "--stale", "1m");
        assertEquals(0, r.exitCode(), r.toString());
        assertThat(r.out()).contains("stale", "2xx", "200", "ok");
    }

    @Test
    void secretsNeverAppearInAnyOutput() {
        for (String[] args : new String[][] {
            {"webhook", "send", "--url", stub.url(), "--verbose"},
            {"webhook", "send", "--url", stub.url(), "--json", "--verbose"},
            {"webhook", "send", "--url", "http://127.0.0.1:9/", "--verbose", "--timeout", "1s"},
            {"webhook", "load", "--url", stub.url(), "--rate", "20", "--duration", "200ms", "--verbose"}
        }) {
            CliHarness.Result r = cli().run(args);
            assertThat(r.out() + r.err())
                    .as(String.join(" ", args))
                    .doesNotContain(secret.reveal())
                    .doesNotContain(secret.reveal().substring(6));
        }
    }

    @Test
    void loadReportsRateStatusesAndPercentiles() throws Exception {
        CliHarness.Result r = cli().run(
                        "webhook",
                        "load",
                        "--url",
                        stub.url(),
                        "--rate",
                        "100",
                        "--duration",
                        "1s",
                        "--concurrency",
                        "4",
                        "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.get("completed").asLong()).isEqualTo(100);
        assertThat(out.at("/statuses/200").asLong()).isEqualTo(100);
        assertThat(out.at("/latencyMs/p99").asDouble()).isPositive();
        assertThat(stub.requests.get()).isEqualTo(100);

        CliHarness.Result text =
                cli().run("webhook", "load", "--url", stub.url(), "--rate", "50", "--duration", "200ms");
        assertEquals(0, text.exitCode(), text.toString());
        assertThat(text.out()).contains("achieved", "statuses    200=10", "p99");
        assertThat(text.err()).doesNotContain("\r");
    }

    @Test
    void loadExitsThreeWhenSomeFailAndIsBounded() {
        CliHarness.Result unsigned = cli().env(
                        "CVA_WEBHOOK_SECRET", WebhookSecret.random().reveal())
                .run("webhook", "load", "--url", stub.url(), "--rate", "20", "--duration", "200ms");
        assertEquals(1, unsigned.exitCode(), unsigned.toString());
        assertThat(unsigned.out()).contains("401=4");
        try (StubReceiver flaky = StubReceiver.start(secret, false, 4)) {
            CliHarness.Result partial = cli().run(
                            "webhook",
                            "load",
                            "--url",
                            flaky.url(),
                            "--rate",
                            "20",
                            "--duration",
                            "1s",
                            "--concurrency",
                            "2");
            assertEquals(3, partial.exitCode(), partial.toString());
            assertThat(partial.out()).contains("200=15", "503=5");
        }
        CliHarness.Result tooFast =
                cli().run("webhook", "load", "--url", stub.url(), "--rate", "1000000", "--duration", "1s");
        assertEquals(2, tooFast.exitCode(), tooFast.toString());
        CliHarness.Result remote =
                cli().run("webhook", "load", "--url", "https://example.com/", "--rate", "100", "--duration", "1s");
        assertEquals(2, remote.exitCode(), remote.toString());
        assertThat(remote.err()).contains("--yes");
    }
}
