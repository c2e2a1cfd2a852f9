package dev.cva.contracts.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs the exact bytes of a webhook body in one or both schemes. Thread-safe. */
public final class WebhookSigner {
    private final WebhookSecret secret;
    private final Webhook standard;

    public WebhookSigner(WebhookSecret secret) {
        this.secret = secret;
        this.standard = new Webhook(secret.standardKey());
    }

    /**
     * The headers to send with {@code body}: {@code x-webhook-signature} for {@link Scheme#LEGACY},
     * {@code webhook-id}/{@code -timestamp}/{@code -signature} for {@link Scheme#STANDARD}.
     */
    public Map<String, String> sign(byte[] body, String messageId, Instant timestamp, Set<Scheme> schemes) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (schemes.contains(Scheme.STANDARD)) {
            long seconds = timestamp.getEpochSecond();
            headers.put(WebhookHeaders.ID, messageId);
            headers.put(WebhookHeaders.TIMESTAMP, Long.toString(seconds));
            headers.put(WebhookHeaders.SIGNATURE, standardSignature(body, messageId, seconds));
        }
        if (schemes.contains(Scheme.LEGACY)) {
            headers.put(WebhookHeaders.LEGACY_SIGNATURE, legacySignature(body));
        }
        return headers;
    }

    /** {@code sha256=<hex>} of HMAC-SHA256(secret string, body). */
    public String legacySignature(byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(legacyMac(secret, body));
    }

    /** {@code v1,<base64>} over {@code id.timestamp.body}, by the Standard Webhooks library. */
    public String standardSignature(byte[] body, String messageId, long epochSeconds) {
        try {
            return standard.sign(messageId, epochSeconds, new String(body, StandardCharsets.UTF_8));
        } catch (WebhookSigningException e) {
            throw new IllegalStateException("Standard Webhooks signing failed: " + e.getMessage());
        }
    }

    static byte[] legacyMac(WebhookSecret secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.legacyKey(), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
