package dev.cva.notifier;

/** Delivers a signed webhook, retrying as configured. */
public interface WebhookClient {
    /**
     * @param webhookId the Standard Webhooks {@code webhook-id}, the same on every try of this body
     * @param body the exact bytes to send and sign
     */
    default Delivery deliver(String webhookId, byte[] body) {
        return deliver(webhookId, body, null);
    }

    /**
     * @param traceId the record's W3C trace id, sent as a {@code traceparent} header (a new span id per try);
     *     {@code null} for a record written before trace ids existed: no header
     */
    Delivery deliver(String webhookId, byte[] body, String traceId);
}
