package dev.cva.cli.webhook;

import dev.cva.contracts.webhook.Scheme;
import dev.cva.contracts.webhook.WebhookHeaders;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookSigner;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Signs bodies with the contract library's {@link WebhookSigner}: fresh id and timestamp per request. Thread-safe. */
public final class RequestFactory {
    private final WebhookSigner signer;
    private final Set<Scheme> schemes;
    private final Clock clock;

    public RequestFactory(WebhookSecret secret, Set<Scheme> schemes, Clock clock) {
        this.signer = new WebhookSigner(secret);
        this.schemes = Set.copyOf(schemes);
        this.clock = clock;
    }

    /** A new {@code webhook-id}: {@code msg_} and 32 hex digits. */
    public static String newMessageId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    public SignedRequest sign(URI url, byte[] body) {
        return sign(url, body, newMessageId(), clock.instant());
    }

    public SignedRequest sign(URI url, byte[] body, String messageId, Instant timestamp) {
        Map<String, String> headers = signer.sign(body, messageId, timestamp, schemes);
        return new SignedRequest(url, body, headers, headers.get(WebhookHeaders.ID));
    }

    public Set<Scheme> schemes() {
        return schemes;
    }

    public Clock clock() {
        return clock;
    }
}
