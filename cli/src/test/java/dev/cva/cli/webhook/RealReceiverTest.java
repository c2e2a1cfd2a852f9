package dev.cva.cli.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import dev.cva.contracts.webhook.WebhookSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva webhook} against the real receiver (its deploy jar under the Functions Framework invoker) storing into
 * Google's Firestore emulator.
 */
class RealReceiverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebhookSecret SECRET = WebhookSecret.random();
    private static ReceiverFixture receiver;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        // A generous rate limit: the load test below is about the CLI, not the receiver's limiter.
        receiver = ReceiverFixture.start(
                SECRET.reveal(), Map.of("RATE_LIMIT_PER_SECOND", "100000", "RATE_LIMIT_BURST", "100000"));
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private CliHarness cli() {
        return new CliHarness(tmp)
                .cwd(CliHarness.repoRoot())
                .env("CVA_WEBHOOK_SECRET", SECRET.reveal())
                .env("CVA_WEBHOOK_URL", receiver.url());
    }

    @Test
    void eachSchemeIsStoredAndRepeatedSendsAreNotDuplicates() throws Exception {
        for (String scheme : new String[] {"standard", "legacy", "both"}) {
            CliHarness.Result r = cli().run("webhook", "send", "--scheme", scheme, "--json");
            assertEquals(0, r.exitCode(), r + "\n--- receiver\n" + receiver.log());
            JsonNode out = JSON.readTree(r.out());
            assertThat(out.get("status").asInt()).isEqualTo(200);
            assertThat(out.at("/response/status").asText()).as(scheme).isEqualTo("stored");
        }
    }

    /** What the README shows: the original system's notifier body, legacy-signed, is stored by the receiver. */
    @Test
    void theOriginalNotifiersBodyWithTheLegacySignatureIsStored() throws Exception {
        CliHarness.Result r =
                cli().run("webhook", "send", "--event", "original-notifier", "--scheme", "legacy", "--json");
        assertEquals(0, r.exitCode(), r + "\n--- receiver\n" + receiver.log());
        assertThat(JSON.readTree(r.out()).at("/response/status").asText()).isEqualTo("stored");
    }

    @Test
    void theSameBodyTwiceIsADuplicateAndAnInvalidOneIs400() throws Exception {
        Path body = tmp.resolve("body.json");
        Files.write(
                body,
                Payloads.fresh(
                        Payloads.template("anonymous-no-match"), java.time.Instant.now(), java.util.UUID.randomUUID()));
        CliHarness.Result first = cli().run("webhook", "send", "--data=@" + body, "--json");
        CliHarness.Result second = cli().run("webhook", "send", "--data=@" + body, "--json");
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals(0, second.exitCode(), second.toString());
        assertThat(JSON.readTree(second.out()).at("/response/duplicate").asBoolean())
                .isTrue();

        CliHarness.Result invalid = cli().run("webhook", "send", "--event", "invalid/bad-match-type");
        assertEquals(1, invalid.exitCode(), invalid.toString());
        assertThat(invalid.out()).startsWith("400 ");
    }

    @Test
    void theReceiverAnswersEveryNegativeCaseCorrectly() throws Exception {
        CliHarness.Result r = cli().run(
                        "webhook",
                        "send",
                        "--tamper",
                        "--wrong-secret",
                        "--stale",
                        "10m",
                        "--future",
                        "10m",
                        "--replay",
                        "--no-signature",
                        "--json");
        assertEquals(0, r.exitCode(), r + "\n--- receiver\n" + receiver.log());
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.get("passed").asBoolean()).isTrue();
        for (JsonNode c : out.get("cases")) {
            assertThat(c.get("passed").asBoolean()).as(c.toString()).isTrue();
        }
        assertThat(r.out()).doesNotContain(SECRET.reveal());
    }

    @Test
    void aSecretTheReceiverDoesNotKnowIs401AndExitsOne() {
        CliHarness.Result r =
                cli().env("CVA_WEBHOOK_SECRET", WebhookSecret.random().reveal()).run("webhook", "send");
        assertEquals(1, r.exitCode(), r.toString());
        assertThat(r.out()).startsWith("401 ");
    }

    @Test
    void loadAgainstTheRealReceiver() throws Exception {
        CliHarness.Result r =
                cli().run("webhook", "load", "--rate", "50", "--duration", "2s", "--concurrency", "8", "--json");
        assertEquals(0, r.exitCode(), r + "\n--- receiver\n" + receiver.log());
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.at("/statuses/200").asLong()).isEqualTo(100);
        assertThat(out.at("/latencyMs/max").asDouble()).isPositive();
    }
}
