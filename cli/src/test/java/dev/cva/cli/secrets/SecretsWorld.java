package dev.cva.cli.secrets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cva.cli.stack.SecretManagerStandIn;
import dev.cva.contracts.webhook.Verification;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookVerifier;
import dev.cva.local.Moto;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Both secret managers' stand-ins behind the real clients (moto's Secrets Manager, the Secret Manager stand-in over
 * gRPC) with one webhook secret in each, and a receiver that does what the real one does with its secrets: it accepts
 * every enabled version of its Secret Manager secret, re-read on each request (a refresh of zero), and answers a
 * probe 400 once the signature holds, 401 otherwise. {@code frozen} makes it keep the secrets it read first, as a
 * receiver revision that never re-reads them would.
 */
final class SecretsWorld implements AutoCloseable {
    static final String PROJECT = "cv-analytics-prod";
    static final String GCP_NAME = "cv-analytics-webhook-secret";
    static final String AWS_NAME = "cv-analytics/webhook-secret";

    final WebhookSecret original = WebhookSecret.random();
    final SecretManagerStandIn gcp = new SecretManagerStandIn(Clock.systemUTC()).start(0);
    final SecretsManagerClient aws;
    final GcpSecretManagerStore receiverStore;
    final AwsSecretsManagerStore notifierStore;
    final AtomicInteger refused = new AtomicInteger();
    volatile boolean frozen;
    private volatile List<WebhookSecret> frozenSecrets;
    private final HttpServer http;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    SecretsWorld(Moto moto, String awsName) throws IOException {
        aws = SecretsManagerClient.builder()
                .region(Region.EU_WEST_2)
                .endpointOverride(moto.endpoint())
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        aws.createSecret(b -> b.name(awsName).secretString(original.reveal()));
        gcp.seed(PROJECT, GCP_NAME, original.reveal());
        receiverStore = GcpSecretManagerStore.create(PROJECT, GCP_NAME, gcp.endpoint());
        notifierStore = new AwsSecretsManagerStore(aws, awsName);
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        http.createContext("/", this::handle);
        http.setExecutor(pool);
        http.start();
    }

    URI receiverUrl() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
    }

    /** What the receiver accepts now. */
    List<WebhookSecret> accepted() {
        if (frozen && frozenSecrets != null) {
            return frozenSecrets;
        }
        List<WebhookSecret> secrets = new ArrayList<>();
        receiverStore.enabled().forEach(v -> secrets.add(WebhookSecret.parse(receiverStore.value(v.id()))));
        if (frozen) {
            frozenSecrets = secrets;
        }
        return secrets;
    }

    private void handle(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        Verification v = new WebhookVerifier(accepted(), false, Clock.systemUTC()).verify(x.getRequestHeaders(), body);
        int status = v instanceof Verification.Verified ? 400 : 401;
        if (status == 401) {
            refused.incrementAndGet();
        }
        byte[] answer = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, answer.length);
        x.getResponseBody().write(answer);
        x.close();
    }

    WebhookRotation rotation() {
        return new WebhookRotation(
                receiverStore,
                notifierStore,
                new HttpReceiverProbe(receiverUrl(), Clock.systemUTC()),
                Clock.systemUTC(),
                d -> Thread.sleep(Math.max(1, d.toMillis())),
                m -> {});
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
        receiverStore.close();
        gcp.close();
        aws.close();
    }
}
