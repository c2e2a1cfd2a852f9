package dev.cva.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.contracts.logging.JsonLog;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookSigner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The notifier's SnapStart hook, called as Lambda calls it after resuming a snapshot: the webhook secret is re-read
 * before the next send although the refresh interval has not passed (the snapshot's secret may predate a rotation),
 * and the retry jitter starts from a new seed (every environment restored from one snapshot has the same random state).
 */
class NotifierRestoreTest {
    private static final Clock FROZEN = Clock.fixed(Instant.parse("2026-12-07T18:00:00Z"), ZoneOffset.UTC);
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final JsonLog log = new JsonLog("notifier", new PrintStream(logged, true, StandardCharsets.UTF_8), FROZEN);

    @Test
    void afterRestoreTheSecretIsReReadAtOnceAndTheJitterReseeded() throws Exception {
        WebhookSecret atSnapshot = WebhookSecret.random();
        WebhookSecret rotated = WebhookSecret.random();
        AtomicReference<WebhookSecret> stored = new AtomicReference<>(atSnapshot);
        AtomicInteger reads = new AtomicInteger();
        RefreshingSigner signer = new RefreshingSigner(
                "arn:secret",
                arn -> {
                    reads.incrementAndGet();
                    return stored.get().reveal();
                },
                atSnapshot,
                Duration.ofSeconds(30),
                FROZEN,
                log);
        NotifierConfig config = NotifierConfig.fromEnv(Map.of(
                "WEBHOOK_URL",
                "http://127.0.0.1:9/webhook",
                "WEBHOOK_SECRET",
                atSnapshot.reveal(),
                "WEBHOOK_DLQ_URL",
                "http://127.0.0.1:9/unused"));
        HttpWebhookClient webhooks = new HttpWebhookClient(HttpClient.newHttpClient(), signer, config, FROZEN, log);
        List<Long> seeds = new ArrayList<>(List.of(42L, 43L));
        NotifierRestore restore = new NotifierRestore(signer, webhooks::reseed, () -> seeds.remove(0), log);

        // the secret is rotated while the snapshot waits; within the refresh interval nothing re-reads it
        stored.set(rotated);
        WebhookSigner before = signer.get();
        assertThat(reads).hasValue(0);
        assertThat(sign(before)).isEqualTo(sign(new WebhookSigner(atSnapshot)));

        restore.beforeCheckpoint(null);
        restore.afterRestore(null);

        // the next send re-reads it and signs with the rotated secret, though the (frozen) clock has not moved
        WebhookSigner after = signer.get();
        assertThat(reads).hasValue(1);
        assertThat(sign(after)).isEqualTo(sign(new WebhookSigner(rotated))).isNotEqualTo(sign(before));
        signer.get();
        assertThat(reads).as("then the interval applies again").hasValue(1);

        // the jitter continues from the seed the hook drew: the delays are those of Random(42), then Random(43)
        assertThat(delays(webhooks)).isEqualTo(delays(new Random(42)));
        restore.afterRestore(null);
        assertThat(delays(webhooks)).isEqualTo(delays(new Random(43))).isNotEqualTo(delays(new Random(42)));
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("snapstart_restore");
    }

    @Test
    void theHandlerRegistersItsHookAndAFixedSecretNeedsNoReRead() throws Exception {
        NotifierConfig config = NotifierConfig.fromEnv(Map.of(
                "WEBHOOK_URL",
                "http://127.0.0.1:9/webhook",
                "WEBHOOK_SECRET",
                WebhookSecret.random().reveal(),
                "WEBHOOK_DLQ_URL",
                "http://127.0.0.1:9/unused"));
        try (var sqs = software.amazon.awssdk.services.sqs.SqsClient.builder()
                .region(software.amazon.awssdk.regions.Region.EU_WEST_2)
                .endpointOverride(java.net.URI.create("http://127.0.0.1:9"))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .build()) {
            NotifierHandler handler = new NotifierHandler(config, HttpClient.newHttpClient(), sqs, FROZEN, log);
            assertThat(handler.restore()).isNotNull();
            handler.restore().afterRestore(null); // no RefreshingSigner: only the jitter is reseeded
            assertThat(logged.toString(StandardCharsets.UTF_8)).contains("snapstart_restore");
        }
    }

    private static String sign(WebhookSigner signer) {
        return signer.standardSignature("{}".getBytes(StandardCharsets.UTF_8), "msg_1", 1_700_000_000L);
    }

    /** Ten backoff delays (200 ms base, 5 s cap) drawn from the client's jitter. */
    private static List<Long> delays(HttpWebhookClient webhooks) {
        return delays(webhooks.jitter());
    }

    private static List<Long> delays(java.util.random.RandomGenerator random) {
        List<Long> out = new ArrayList<>();
        for (int attempt = 1; attempt <= 10; attempt++) {
            out.add(HttpWebhookClient.backoff(Duration.ofMillis(200), Duration.ofSeconds(5), attempt, random)
                    .toMillis());
        }
        return out;
    }
}
