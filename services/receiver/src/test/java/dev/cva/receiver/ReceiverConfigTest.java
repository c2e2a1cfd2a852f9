package dev.cva.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.contracts.webhook.WebhookSecret;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiverConfigTest {
    private final WebhookSecret secret = WebhookSecret.random();

    @Test
    void defaultsFollowTheDesign() {
        ReceiverConfig c = ReceiverConfig.fromEnv(Map.of(
                ReceiverConfig.WEBHOOK_SECRET, secret.reveal(), ReceiverConfig.GOOGLE_CLOUD_PROJECT, "demo-fallback"));
        assertThat(c.acceptLegacy()).isTrue();
        assertThat(c.maxBodyBytes()).isEqualTo(65_536);
        assertThat(c.rateLimitPerSecond()).isEqualTo(100);
        assertThat(c.rateLimitBurst()).isEqualTo(20);
        assertThat(c.unauthenticatedRateLimitPerSecond()).isEqualTo(10);
        assertThat(c.unauthenticatedRateLimitBurst()).isEqualTo(20);
        assertThat(c.statsShards()).isEqualTo(10);
        assertThat(c.firestoreProject()).isEqualTo("demo-fallback");
        assertThat(c.firestoreDatabase()).isEqualTo("(default)");
        assertThat(c.emulatorHost()).isEmpty();
        assertThat(c.previousSecret()).isEmpty();
        assertThat(c.secrets()).containsExactly(secret);
    }

    @Test
    void everySettingIsRead() {
        WebhookSecret previous = WebhookSecret.random();
        ReceiverConfig c = ReceiverConfig.fromEnv(env(
                ReceiverConfig.WEBHOOK_SECRET, secret.reveal(),
                ReceiverConfig.WEBHOOK_SECRET_PREVIOUS, previous.reveal(),
                ReceiverConfig.WEBHOOK_ACCEPT_LEGACY, "false",
                ReceiverConfig.MAX_BODY_BYTES, "1024",
                ReceiverConfig.RATE_LIMIT_PER_SECOND, "7",
                ReceiverConfig.RATE_LIMIT_BURST, "3",
                ReceiverConfig.UNAUTHENTICATED_RATE_LIMIT_PER_SECOND, "2",
                ReceiverConfig.UNAUTHENTICATED_RATE_LIMIT_BURST, "5",
                ReceiverConfig.STATS_SHARDS, "4",
                ReceiverConfig.FIRESTORE_PROJECT, "demo-explicit",
                ReceiverConfig.GOOGLE_CLOUD_PROJECT, "ignored",
                ReceiverConfig.FIRESTORE_DATABASE, "restored-20261207",
                ReceiverConfig.FIRESTORE_EMULATOR_HOST, "127.0.0.1:8080"));
        assertThat(c.secrets()).containsExactly(secret, previous);
        assertThat(c.acceptLegacy()).isFalse();
        assertThat(c)
                .extracting(
                        ReceiverConfig::maxBodyBytes,
                        ReceiverConfig::rateLimitPerSecond,
                        ReceiverConfig::rateLimitBurst,
                        ReceiverConfig::unauthenticatedRateLimitPerSecond,
                        ReceiverConfig::unauthenticatedRateLimitBurst,
                        ReceiverConfig::statsShards,
                        ReceiverConfig::firestoreProject)
                .containsExactly(1024, 7L, 3L, 2L, 5L, 4, "demo-explicit");
        assertThat(c.emulatorHost()).contains("127.0.0.1:8080");
        assertThat(c.firestoreDatabase()).isEqualTo("restored-20261207");
        assertThat(c.toString()).doesNotContain(secret.reveal()).doesNotContain(previous.reveal());
    }

    @Test
    void everyProblemIsReportedAtOnceWithoutTheSecret() {
        String badSecret = "whsec_c2hvcnQ="; // decodes to 5 bytes: too short
        assertThatThrownBy(() -> ReceiverConfig.fromEnv(Map.of(
                        ReceiverConfig.WEBHOOK_SECRET, badSecret,
                        ReceiverConfig.WEBHOOK_SECRET_PREVIOUS, "not-a-secret-value",
                        ReceiverConfig.WEBHOOK_ACCEPT_LEGACY, "maybe",
                        ReceiverConfig.MAX_BODY_BYTES, "-1",
                        ReceiverConfig.UNAUTHENTICATED_RATE_LIMIT_BURST, "0",
                        ReceiverConfig.STATS_SHARDS, "ten",
                        ReceiverConfig.FIRESTORE_EMULATOR_HOST, "localhost")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(8))
                .hasMessageContaining("WEBHOOK_SECRET: webhook secret key is 5 bytes")
                .hasMessageContaining("WEBHOOK_SECRET_PREVIOUS: webhook secret must have the form whsec_")
                .hasMessageContaining("WEBHOOK_ACCEPT_LEGACY must be true or false")
                .hasMessageContaining("MAX_BODY_BYTES must be between 1 and")
                .hasMessageContaining("UNAUTHENTICATED_RATE_LIMIT_BURST must be between 1 and")
                .hasMessageContaining("STATS_SHARDS must be a whole number")
                .hasMessageContaining("FIRESTORE_PROJECT (or GOOGLE_CLOUD_PROJECT) is required")
                .hasMessageContaining("FIRESTORE_EMULATOR_HOST must be host:port")
                .message()
                .doesNotContain(badSecret)
                .doesNotContain("not-a-secret-value");
    }

    @Test
    void aMissingSecretSaysHowToProvideIt() {
        assertThatThrownBy(() -> ReceiverConfig.fromEnv(Map.of(ReceiverConfig.FIRESTORE_PROJECT, "p")))
                .hasMessageContaining("WEBHOOK_SECRET is required (the form is whsec_<base64>");
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void aDatabaseIdFirestoreWouldRefuseIsRefusedAtStart() {
        for (String bad : new String[] {"Restored", "db", "1restored", "restored-", "restored_1", "(other)"}) {
            assertThatThrownBy(() -> ReceiverConfig.fromEnv(Map.of(
                            ReceiverConfig.WEBHOOK_SECRET,
                            secret.reveal(),
                            ReceiverConfig.FIRESTORE_PROJECT,
                            "p",
                            ReceiverConfig.FIRESTORE_DATABASE,
                            bad)))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("FIRESTORE_DATABASE must be (default) or")
                    .hasMessageContaining(bad);
        }
        assertThat(ReceiverConfig.fromEnv(Map.of(
                                ReceiverConfig.WEBHOOK_SECRET,
                                secret.reveal(),
                                ReceiverConfig.FIRESTORE_PROJECT,
                                "p",
                                ReceiverConfig.FIRESTORE_DATABASE,
                                " "))
                        .firestoreDatabase())
                .as("blank is the default")
                .isEqualTo("(default)");
    }
}
