package dev.cva.contracts.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A webhook secret in the Standard Webhooks form {@code whsec_<base64>}. One secret serves both schemes:
 * the Standard Webhooks key is the decoded base64 part, the legacy HMAC key is the whole string's UTF-8
 * bytes (as the original receiver did). {@link #toString()} never reveals it.
 */
public final class WebhookSecret {
    public static final String PREFIX = "whsec_";
    private static final int MIN_KEY_BYTES = 16;

    private final String value;
    private final byte[] standardKey;

    private WebhookSecret(String value, byte[] standardKey) {
        this.value = value;
        this.standardKey = standardKey;
    }

    /** Parses a configured secret; the message of a failure never contains the secret itself. */
    public static WebhookSecret parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("webhook secret is empty");
        }
        String trimmed = value.strip();
        if (!trimmed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("webhook secret must have the form " + PREFIX + "<base64>");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(trimmed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhook secret is not valid base64 after " + PREFIX);
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "webhook secret key is " + key.length + " bytes; at least " + MIN_KEY_BYTES + " are required");
        }
        return new WebhookSecret(trimmed, key);
    }

    /** A fresh random secret of 32 bytes, for rotation and tests. */
    public static WebhookSecret random() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return parse(PREFIX + Base64.getEncoder().encodeToString(key));
    }

    /** The configured string; callers must not print it. */
    public String reveal() {
        return value;
    }

    byte[] legacyKey() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    byte[] standardKey() {
        return standardKey.clone();
    }

    /** A short, non-reversible label that tells two secrets apart in output: {@code sha256:1a2b3c4d}. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(legacyKey());
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return PREFIX + "****(" + fingerprint() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookSecret other && MessageDigest.isEqual(legacyKey(), other.legacyKey());
    }

    @Override
    public int hashCode() {
        return fingerprint().hashCode();
    }
}
