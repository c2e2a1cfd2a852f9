package dev.cva.cli.deploy;

import dev.cva.cli.deploy.DeployTarget.SmokeResult;
import dev.cva.cli.webhook.RequestFactory;
import dev.cva.cli.webhook.SignedRequest;
import dev.cva.contracts.webhook.Scheme;
import dev.cva.contracts.webhook.WebhookSecret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Function;

/**
 * The receiver's smoke test through one revision's own URL: {@code GET /healthz} must answer 2xx, then a webhook
 * built from the contract example {@code webhook-body/valid/full-match.json}, signed with the environment's
 * current secret (both schemes), must be accepted (2xx). Without a configured secret only the health check runs,
 * and the result says so. The secret is never printed.
 */
public final class ReceiverSmoke implements Function<URI, SmokeResult> {
    private final WebhookSecret secret;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public ReceiverSmoke(WebhookSecret secret, Clock clock) {
        this.secret = secret;
        this.clock = clock;
    }

    @Override
    public SmokeResult apply(URI base) {
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        try {
            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(URI.create(root + "healthz"))
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (health.statusCode() / 100 != 2) {
                return SmokeResult.failed("GET /healthz answered " + health.statusCode());
            }
            if (secret == null) {
                return SmokeResult.passed("GET /healthz 200; no webhook.secret configured, signed webhook skipped");
            }
            byte[] body = CvaJson.bytes(SmokeEvents.example("webhook-body/valid/full-match.json"));
            SignedRequest signed = new RequestFactory(secret, EnumSet.of(Scheme.LEGACY, Scheme.STANDARD), clock)
                    .sign(URI.create(root), body);
            HttpRequest.Builder post = HttpRequest.newBuilder(signed.url())
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(signed.body()));
            signed.headers().forEach(post::header);
            post.header("Content-Type", "application/json");
            HttpResponse<String> hook = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
            if (hook.statusCode() / 100 != 2) {
                return SmokeResult.failed("signed webhook answered " + hook.statusCode());
            }
            return SmokeResult.passed("GET /healthz " + health.statusCode() + ", signed webhook " + hook.statusCode());
        } catch (IOException e) {
            return SmokeResult.failed("cannot reach " + root + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SmokeResult.failed("interrupted");
        }
    }

    /** JSON bytes through the CLI's one mapper. */
    static final class CvaJson {
        private CvaJson() {}

        static byte[] bytes(Object value) {
            try {
                return dev.cva.cli.CvaContext.json().writeValueAsBytes(value);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
