package dev.cva.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Known-answer webhook signature vectors from independent sources ({@code examples/signatures/vectors.json}): the
 * Standard Webhooks specification's published example, and legacy {@code X-Webhook-Signature} values computed once
 * with {@code openssl dgst -sha256 -hmac}. Shipped with the contracts so every signer and verifier tests against
 * the same answers instead of recomputing them with the code under test.
 */
public final class SignatureVectors {
    private static final String FILE = "contracts/examples/signatures/vectors.json";

    /** A Standard Webhooks vector: {@code signature} is {@code v1,<base64>} over {@code id.timestamp.payload}. */
    public record Standard(String name, String secret, String id, long timestamp, byte[] payload, String signature) {}

    /** A legacy vector: {@code signature} is {@code sha256=<hex>} of HMAC-SHA256(secret string, payload). */
    public record Legacy(String name, String secret, byte[] payload, String signature) {}

    private SignatureVectors() {}

    public static List<Standard> standard() {
        List<Standard> out = new ArrayList<>();
        root().path("standard")
                .forEach(v -> out.add(new Standard(
                        v.path("name").asText(),
                        v.path("secret").asText(),
                        v.path("id").asText(),
                        v.path("timestamp").asLong(),
                        payload(v),
                        v.path("signature").asText())));
        return out;
    }

    public static List<Legacy> legacy() {
        List<Legacy> out = new ArrayList<>();
        root().path("legacy")
                .forEach(v -> out.add(new Legacy(
                        v.path("name").asText(),
                        v.path("secret").asText(),
                        payload(v),
                        v.path("signature").asText())));
        return out;
    }

    public static Standard standard(String name) {
        return standard().stream()
                .filter(v -> v.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no standard vector '" + name + "'"));
    }

    public static Legacy legacy(String name) {
        return legacy().stream()
                .filter(v -> v.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no legacy vector '" + name + "'"));
    }

    // "payload" is the text itself; "payloadExample" names a contract example whose exact bytes were signed.
    private static byte[] payload(JsonNode v) {
        if (v.hasNonNull("payloadExample")) {
            String[] parts = v.get("payloadExample").asText().split("/");
            return Examples.get(Contract.byId(parts[0]), Examples.Kind.valueOf(parts[1].toUpperCase()), parts[2])
                    .bytes();
        }
        return v.path("payload").asText().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode root() {
        try (InputStream in = SignatureVectors.class.getClassLoader().getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException("contract resource missing from the classpath: " + FILE);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
