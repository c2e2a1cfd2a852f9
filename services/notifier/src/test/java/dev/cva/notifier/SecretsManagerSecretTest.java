package dev.cva.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.notifier.aws.SecretsManagerSecrets;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** In prod the notifier reads its secret from Secrets Manager: checked with the real SDK client against moto's server. */
class SecretsManagerSecretTest {
    static Process moto;
    static SecretsManagerClient client;

    @BeforeAll
    static void startMoto() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try {
            moto = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("moto_server is not on PATH: install it with 'pip install \"moto[server]\"'", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException notYet) {
                if (!moto.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("moto_server did not start on port " + port);
                }
                Thread.sleep(100);
            }
        }
        client = SecretsManagerClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.EU_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stopMoto() {
        if (client != null) {
            client.close();
        }
        if (moto != null) {
            moto.destroyForcibly();
        }
    }

    static Map<String, String> env(String arn) {
        return Map.of("WEBHOOK_URL", "http://127.0.0.1:9/webhook", "WEBHOOK_DLQ_URL", "http://q", "WEBHOOK_SECRET_ARN", arn);
    }

    @Test
    void theSecretArnResolvesThroughSecretsManager() {
        WebhookSecret secret = WebhookSecret.random();
        String arn = client.createSecret(b -> b.name("cv-analytics/webhook-secret-" + System.nanoTime())
                .secretString(secret.reveal())).arn();
        NotifierConfig config = NotifierConfig.fromEnv(env(arn), new SecretsManagerSecrets(client)::read);
        assertThat(config.secret()).isEqualTo(secret);
        assertThat(config.toString()).doesNotContain(secret.reveal());
    }

    @Test
    void anExplicitSecretWinsAndIsNotLookedUp() {
        WebhookSecret explicit = WebhookSecret.random();
        Map<String, String> env = new java.util.HashMap<>(env("arn:aws:secretsmanager:eu-west-2:000000000000:secret:none"));
        env.put("WEBHOOK_SECRET", explicit.reveal());
        assertThat(NotifierConfig.fromEnv(env, new SecretsManagerSecrets(client)::read).secret()).isEqualTo(explicit);
    }

    @Test
    void aMissingSecretNamesTheArnAndTheErrorOnly() {
        String arn = "arn:aws:secretsmanager:eu-west-2:000000000000:secret:absent-AbCdEf";
        assertThatThrownBy(() -> NotifierConfig.fromEnv(env(arn), new SecretsManagerSecrets(client)::read))
                .hasMessageContaining(arn).hasMessageContaining("ResourceNotFoundException");
    }

    @Test
    void neitherSecretNorArnIsAClearError() {
        assertThatThrownBy(() -> NotifierConfig.fromEnv(Map.of("WEBHOOK_URL", "http://x/", "WEBHOOK_DLQ_URL", "http://q")))
                .hasMessageContaining("WEBHOOK_SECRET").hasMessageContaining("WEBHOOK_SECRET_ARN");
    }
}
