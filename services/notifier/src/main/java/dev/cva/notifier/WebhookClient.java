package dev.cva.notifier;

/** Delivers a signed webhook, retrying as configured. */
public interface WebhookClient {
    /**
     * @param webhookId the Standard Webhooks {@code webhook-id}, the same on every try of this body
     * @param body the exact bytes to send and sign
     */
    Delivery deliver(String webhookId, byte[] body);
}
