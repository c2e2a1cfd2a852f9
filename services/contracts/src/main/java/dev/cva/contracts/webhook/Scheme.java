package dev.cva.contracts.webhook;

/** The two signature schemes of the design notes, section 3. */
public enum Scheme {
    /** {@code X-Webhook-Signature: sha256=<hex>} over the raw body; no timestamp, so replayable. */
    LEGACY,
    /** standardwebhooks.com: {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64>}. */
    STANDARD
}
