package dev.cva.receiver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.contracts.Contract;
import dev.cva.contracts.Examples;
import dev.cva.contracts.webhook.Scheme;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Test bodies from the contract examples and headers signed with the contracts' own signer. */
final class Webhooks {
    static final ObjectMapper JSON = new ObjectMapper();

    private Webhooks() {}

    /** The valid example {@code name} with a fresh (or given) requestId. */
    static byte[] body(String example, String requestId) {
        try {
            ObjectNode node =
                    (ObjectNode) JSON.readTree(Examples.get(Contract.WEBHOOK_BODY, Examples.Kind.VALID, example)
                            .bytes());
            ((ObjectNode) node.get("data")).put("requestId", requestId);
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] body(String requestId) {
        return body("full-match", requestId);
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static Map<String, String> standard(WebhookSecret secret, byte[] body) {
        return standard(secret, body, "msg_" + UUID.randomUUID(), Instant.now());
    }

    static Map<String, String> standard(WebhookSecret secret, byte[] body, String messageId, Instant at) {
        return new WebhookSigner(secret).sign(body, messageId, at, Set.of(Scheme.STANDARD));
    }

    static Map<String, String> legacy(WebhookSecret secret, byte[] body) {
        return new WebhookSigner(secret).sign(body, null, Instant.now(), Set.of(Scheme.LEGACY));
    }

    static Map<String, Object> json(String text) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = JSON.readValue(text, Map.class);
            return map;
        } catch (IOException e) {
            throw new AssertionError("not a JSON object: " + text, e);
        }
    }
}
