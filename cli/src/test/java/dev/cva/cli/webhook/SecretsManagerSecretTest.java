package dev.cva.cli.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.local.Moto;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@code cva webhook send|sign --env prod} without {@code CVA_WEBHOOK_SECRET}: the secret is read from Secrets Manager
 * (moto_server behind the real SDK client, found through the SDK's own {@code aws.endpointUrlSecretsManager}) by the
 * name in cva.yaml ({@code aws.webhookSecretName}), and a stand-in receiver that verifies every signature accepts what
 * it signed. The secret never appears in the output.
 */
class SecretsManagerSecretTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** prod's aws.webhookSecretName in the repository's cva.yaml. */
    private static final String NAME = "cv-analytics/webhook-secret";

    private static final WebhookSecret STORED = WebhookSecret.random();

    private static Moto moto;

    @TempDir
    Path tmp;

    @BeforeAll
    static void secretInMoto(@TempDir Path logs) {
        moto = Moto.start(System.getenv(), logs.resolve("moto.log"));
        System.setProperty("aws.endpointUrlSecretsManager", moto.endpoint().toString());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        try (SecretsManagerClient sm = SecretsManagerClient.builder()
                .region(Region.EU_WEST_2)
                .endpointOverride(moto.endpoint())
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            sm.createSecret(b -> b.name(NAME).secretString(STORED.reveal()));
        }
    }

    @AfterAll
    static void stopMoto() {
        System.clearProperty("aws.endpointUrlSecretsManager");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (moto != null) {
            moto.close();
        }
    }

    /** The repository's cva.yaml in a folder of its own (no local stack's state, no CVA_WEBHOOK_SECRET). */
    private CliHarness cva() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.copy(
                CliHarness.repoRoot().resolve("cva.yaml"),
                project.resolve("cva.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new CliHarness(tmp).cwd(project);
    }

    @Test
    void sendSignsWithTheSecretTheNotifierUses() throws Exception {
        try (StubReceiver receiver = StubReceiver.start(STORED)) {
            CliHarness.Result r = cva().run("webhook", "send", "--env", "prod", "--url", receiver.url(), "--json");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            JsonNode out = JSON.readTree(r.out());
            assertThat(out.path("status").asInt())
                    .as("the receiver verified the signature")
                    .isEqualTo(200);
            assertThat(r.out() + r.err()).doesNotContain(STORED.reveal()).doesNotContain(base64Of(STORED));
        }
        CliHarness.Result signed =
                cva().stdin("{\"a\":1}").run("webhook", "sign", "--env", "prod", "--json", "--verbose");
        assertThat(signed.exitCode()).as(signed.toString()).isZero();
        assertThat(JSON.readTree(signed.out()).path("secretFingerprint").asText())
                .isEqualTo(STORED.fingerprint());
        assertThat(signed.err()).contains(NAME).contains("Secrets Manager");
        assertThat(signed.out() + signed.err()).doesNotContain(STORED.reveal());
    }

    @Test
    void cvaWebhookSecretStillWins() throws Exception {
        WebhookSecret mine = WebhookSecret.random();
        try (StubReceiver receiver = StubReceiver.start(mine)) {
            CliHarness.Result r = cva().env("CVA_WEBHOOK_SECRET", mine.reveal())
                    .run("webhook", "send", "--env", "prod", "--url", receiver.url(), "--json");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(JSON.readTree(r.out()).path("status").asInt()).isEqualTo(200);
        }
    }

    @Test
    void aMissingSecretIsAClearFailure() throws Exception {
        CliHarness.Result r = cva().env("CVA_AWS_WEBHOOK_SECRET_NAME", "cv-analytics/nowhere")
                .run("webhook", "sign", "--env", "prod");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err())
                .contains("cannot read the webhook secret cv-analytics/nowhere from Secrets Manager (eu-west-2)")
                .contains("ResourceNotFoundException")
                .contains("hint: ")
                .contains("CVA_WEBHOOK_SECRET");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    private static String base64Of(WebhookSecret s) {
        return s.reveal().substring(WebhookSecret.PREFIX.length());
    }
}
