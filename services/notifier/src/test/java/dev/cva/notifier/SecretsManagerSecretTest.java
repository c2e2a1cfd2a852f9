package dev.cva.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.local.LocalAws;
import dev.cva.local.LocalIam;
import dev.cva.local.Moto;
import dev.cva.local.ServicePolicies;
import dev.cva.notifier.aws.SecretsManagerSecrets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * In prod the notifier reads its secret from Secrets Manager: checked with the real SDK client against moto's server,
 * under the notifier's execution role (infra/policies/notifier.json) with IAM enforced, as in AWS.
 */
class SecretsManagerSecretTest {
    static final String REGION = LocalAws.DEFAULT_REGION.id();
    static SecretsManagerClient admin;

    @BeforeAll
    static void startMoto() {
        admin = client(
                Moto.shared().iam() == null
                        ? Moto.shared().enforceIam().admin()
                        : Moto.shared().iam().admin());
    }

    @AfterAll
    static void closeClient() {
        admin.close();
    }

    static SecretsManagerClient client(LocalIam.Keys keys) {
        return SecretsManagerClient.builder()
                .endpointOverride(Moto.shared().endpoint())
                .region(Region.EU_WEST_2)
                .credentialsProvider(keys.provider())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** The notifier's role, allowed to read {@code secretArn} (and nothing else in Secrets Manager). */
    static SecretsManagerClient asNotifier(String secretArn) {
        return client(Moto.shared()
                .roleFor(
                        "notifier",
                        Map.of(
                                "analytics_stream_arn", "arn:aws:dynamodb:" + REGION + ":123456789012:table/t/stream/s",
                                "analytics_table_arn", ServicePolicies.Arns.table(REGION, "t"),
                                "webhook_dlq_arn", ServicePolicies.Arns.queue(REGION, "webhook-dlq"),
                                "stream_failure_dlq_arn", ServicePolicies.Arns.queue(REGION, "stream-failures"),
                                "webhook_secret_arn", secretArn)));
    }

    static Map<String, String> env(String arn) {
        return Map.of(
                "WEBHOOK_URL", "http://127.0.0.1:9/webhook", "WEBHOOK_DLQ_URL", "http://q", "WEBHOOK_SECRET_ARN", arn);
    }

    @Test
    void theSecretArnResolvesThroughSecretsManager() {
        WebhookSecret secret = WebhookSecret.random();
        String arn = admin.createSecret(b -> b.name("cv-analytics/webhook-secret-" + System.nanoTime())
                        .secretString(secret.reveal()))
                .arn();
        NotifierConfig config;
        try (SecretsManagerClient client = asNotifier(arn)) {
            config = NotifierConfig.fromEnv(env(arn), new SecretsManagerSecrets(client)::read);
        }
        assertThat(config.secret()).isEqualTo(secret);
        assertThat(config.toString()).doesNotContain(secret.reveal());
    }

    @Test
    void aRotatedSecretSignsWithinTheRefreshAndAFailedReadKeepsTheLastOne() {
        WebhookSecret first = WebhookSecret.random();
        WebhookSecret rotated = WebhookSecret.random();
        String arn = admin.createSecret(b -> b.name("cv-analytics/webhook-secret-" + System.nanoTime())
                        .secretString(first.reveal()))
                .arn();
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-12-07T12:00:00Z"));
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream logs = new java.io.ByteArrayOutputStream();
        try (SecretsManagerClient client = asNotifier(arn)) {
            RefreshingSigner signer = new RefreshingSigner(
                    arn,
                    new SecretsManagerSecrets(client)::read,
                    first,
                    java.time.Duration.ofSeconds(30),
                    clock,
                    new dev.cva.contracts.logging.JsonLog("notifier", new java.io.PrintStream(logs, true), clock));
            admin.putSecretValue(b -> b.secretId(arn).secretString(rotated.reveal()));

            now.set(now.get().plusSeconds(29));
            assertThat(signer.get().legacySignature(body))
                    .as("within the refresh: the secret read last")
                    .isEqualTo(new dev.cva.contracts.webhook.WebhookSigner(first).legacySignature(body));
            now.set(now.get().plusSeconds(1));
            assertThat(signer.get().legacySignature(body))
                    .as("after the refresh: AWSCURRENT again")
                    .isEqualTo(new dev.cva.contracts.webhook.WebhookSigner(rotated).legacySignature(body));

            admin.deleteSecret(b -> b.secretId(arn).forceDeleteWithoutRecovery(true));
            now.set(now.get().plusSeconds(60));
            assertThat(signer.get().legacySignature(body))
                    .as("a failed read keeps the last good secret")
                    .isEqualTo(new dev.cva.contracts.webhook.WebhookSigner(rotated).legacySignature(body));
        }
        assertThat(logs.toString())
                .contains("webhook secret changed")
                .contains(rotated.fingerprint())
                .contains("not re-read")
                .doesNotContain(first.reveal())
                .doesNotContain(rotated.reveal());
    }

    @Test
    void anExplicitSecretWinsAndIsNotLookedUp() {
        WebhookSecret explicit = WebhookSecret.random();
        Map<String, String> env =
                new java.util.HashMap<>(env("arn:aws:secretsmanager:eu-west-2:000000000000:secret:none"));
        env.put("WEBHOOK_SECRET", explicit.reveal());
        try (SecretsManagerClient client = asNotifier("arn:aws:secretsmanager:eu-west-2:123456789012:secret:none")) {
            assertThat(NotifierConfig.fromEnv(env, new SecretsManagerSecrets(client)::read)
                            .secret())
                    .isEqualTo(explicit);
        }
    }

    @Test
    void aMissingSecretNamesTheArnAndTheErrorOnly() {
        String arn = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:absent-AbCdEf";
        try (SecretsManagerClient client = asNotifier(arn)) {
            assertThatThrownBy(() -> NotifierConfig.fromEnv(env(arn), new SecretsManagerSecrets(client)::read))
                    .hasMessageContaining(arn)
                    .hasMessageContaining("ResourceNotFoundException");
        }
    }

    @Test
    void aSecretItsPolicyDoesNotNameIsRefused() {
        String granted = admin.createSecret(b -> b.name("cv-analytics/webhook-secret-" + System.nanoTime())
                        .secretString(WebhookSecret.random().reveal()))
                .arn();
        String other = admin.createSecret(b -> b.name("cv-analytics/other-" + System.nanoTime())
                        .secretString(WebhookSecret.random().reveal()))
                .arn();
        try (SecretsManagerClient client = asNotifier(granted)) {
            assertThatThrownBy(() -> NotifierConfig.fromEnv(env(other), new SecretsManagerSecrets(client)::read))
                    .hasMessageContaining(other)
                    .hasMessageContaining("AccessDenied");
        }
    }

    @Test
    void neitherSecretNorArnIsAClearError() {
        assertThatThrownBy(
                        () -> NotifierConfig.fromEnv(Map.of("WEBHOOK_URL", "http://x/", "WEBHOOK_DLQ_URL", "http://q")))
                .hasMessageContaining("WEBHOOK_SECRET")
                .hasMessageContaining("WEBHOOK_SECRET_ARN");
    }
}
