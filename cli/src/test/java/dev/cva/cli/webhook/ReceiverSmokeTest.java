package dev.cva.cli.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.deploy.DeployTarget.SmokeResult;
import dev.cva.cli.deploy.ReceiverSmoke;
import dev.cva.contracts.webhook.WebhookSecret;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deploy smoke test of the receiver against the real receiver (Functions Framework invoker, Firestore emulator):
 * its health check and its signed contract-example webhook are accepted with the right secret, and the same smoke
 * test fails, naming the status, when the secret is wrong.
 */
class ReceiverSmokeTest {
    private static final WebhookSecret SECRET = WebhookSecret.random();
    private static ReceiverFixture receiver;

    @BeforeAll
    static void start() {
        receiver = ReceiverFixture.start(SECRET.reveal(), Map.of());
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void theRealReceiverPassesTheSmokeTestAndAWrongSecretFailsIt() {
        SmokeResult ok = new ReceiverSmoke(SECRET, Clock.systemUTC()).apply(URI.create(receiver.url()));
        assertThat(ok.passed()).as(ok.detail()).isTrue();
        assertThat(ok.detail()).matches("GET /healthz 200, signed webhook 20\\d");

        SmokeResult wrong =
                new ReceiverSmoke(WebhookSecret.random(), Clock.systemUTC()).apply(URI.create(receiver.url()));
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.detail()).startsWith("signed webhook answered 4");
        assertThat(wrong.detail()).doesNotContain(SECRET.reveal());
    }
}
