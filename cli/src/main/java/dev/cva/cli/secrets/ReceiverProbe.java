package dev.cva.cli.secrets;

import dev.cva.contracts.webhook.WebhookSecret;

/** Asks the live receiver whether it accepts a webhook signed with a secret. */
public interface ReceiverProbe {
    enum Answer {
        ACCEPTED,
        REFUSED,
        UNKNOWN
    }

    /** Where the probes go, for messages. */
    String target();

    /** One signed request: {@code ACCEPTED} when the signature held, {@code REFUSED} on 401, else {@code UNKNOWN}. */
    Answer probe(WebhookSecret secret);
}
