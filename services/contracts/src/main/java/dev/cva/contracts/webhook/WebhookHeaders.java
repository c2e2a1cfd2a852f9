package dev.cva.contracts.webhook;

/** Header names of both schemes, lower-case as HTTP/2 sends them. */
public final class WebhookHeaders {
    public static final String LEGACY_SIGNATURE = "x-webhook-signature";
    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    private WebhookHeaders() {}
}
