package dev.cva.cli.webhook;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One webhook request exactly as it goes on the wire: the body bytes that were signed (or, for a negative
 * test, deliberately not) and the signature headers.
 *
 * @param webhookId the {@code webhook-id} header, or null when the request carries none
 */
public record SignedRequest(URI url, byte[] body, Map<String, String> headers, String webhookId) {
    public SignedRequest {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public SignedRequest withBody(byte[] other) {
        return new SignedRequest(url, other, headers, webhookId);
    }
}
