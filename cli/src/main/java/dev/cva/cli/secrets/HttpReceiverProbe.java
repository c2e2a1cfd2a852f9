package dev.cva.cli.secrets;

import dev.cva.contracts.webhook.Scheme;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;

/**
 * Probes the receiver with a Standard Webhooks request signed by one secret whose body is no analytics record
 * ({@code {"cvaProbe":"secret-rotation"}}): the receiver checks the signature before the body, so it answers 401 when
 * it refuses the secret and 400 ({@code schema}) when it accepts it, and stores nothing either way. A fresh
 * {@code webhook-id} each time, so the replay guard never answers for the signature.
 */
public final class HttpReceiverProbe implements ReceiverProbe {
    static final byte[] BODY = "{\"cvaProbe\":\"secret-rotation\"}".getBytes(StandardCharsets.UTF_8);

    private final URI url;
    private final HttpClient http;
    private final Clock clock;

    public HttpReceiverProbe(URI url, Clock clock) {
        this.url = url;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String target() {
        return "the receiver at " + url;
    }

    @Override
    public Answer probe(WebhookSecret secret) {
        var headers = new WebhookSigner(secret)
                .sign(
                        BODY,
                        "msg_probe_" + UUID.randomUUID().toString().replace("-", ""),
                        clock.instant(),
                        EnumSet.of(Scheme.STANDARD));
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json")
                .header("user-agent", "cva-secrets-probe")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY));
        headers.forEach(b::header);
        try {
            int status =
                    http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 401) {
                return Answer.REFUSED;
            }
            return status == 400 || (status >= 200 && status < 300) ? Answer.ACCEPTED : Answer.UNKNOWN;
        } catch (IOException e) {
            return Answer.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.UNKNOWN;
        }
    }
}
