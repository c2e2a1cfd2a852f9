package dev.cva.contracts.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import dev.cva.contracts.webhook.Verification.Reason;
import dev.cva.contracts.webhook.Verification.Rejected;
import dev.cva.contracts.webhook.Verification.Verified;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a webhook request in either scheme against the current and, during rotation, the previous secret.
 * When Standard Webhooks headers are present they decide: a request cannot fall back to the replayable
 * legacy scheme by carrying both. All comparisons are constant-time.
 */
public final class WebhookVerifier {
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private final List<WebhookSecret> secrets;
    private final List<Webhook> standard = new ArrayList<>();
    private final boolean acceptLegacy;
    private final Clock clock;
    private final Duration tolerance;

    public WebhookVerifier(List<WebhookSecret> secrets, boolean acceptLegacy, Clock clock) {
        this(secrets, acceptLegacy, clock, DEFAULT_TOLERANCE);
    }

    /** {@code secrets}: the current secret first, then an optional previous one. */
    public WebhookVerifier(List<WebhookSecret> secrets, boolean acceptLegacy, Clock clock, Duration tolerance) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one webhook secret is required");
        }
        this.secrets = List.copyOf(secrets);
        this.secrets.forEach(s -> standard.add(new Webhook(s.standardKey())));
        this.acceptLegacy = acceptLegacy;
        this.clock = clock;
        this.tolerance = tolerance;
    }

    /** @param headers request headers; names are matched case-insensitively. */
    public Verification verify(Map<String, List<String>> headers, byte[] body) {
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> {
            if (k != null) h.put(k, v);
        });
        if (first(h, WebhookHeaders.SIGNATURE) != null) {
            return verifyStandard(h, body);
        }
        String legacy = first(h, WebhookHeaders.LEGACY_SIGNATURE);
        if (legacy != null) {
            return acceptLegacy
                    ? verifyLegacy(legacy, body)
                    : new Rejected(
                            Reason.LEGACY_REFUSED,
                            "the legacy X-Webhook-Signature scheme is refused; sign with Standard Webhooks");
        }
        return new Rejected(Reason.MISSING_SIGNATURE, "no webhook-signature or X-Webhook-Signature header");
    }

    private Verification verifyStandard(Map<String, List<String>> h, byte[] body) {
        String id = first(h, WebhookHeaders.ID);
        String ts = first(h, WebhookHeaders.TIMESTAMP);
        String sig = first(h, WebhookHeaders.SIGNATURE);
        if (id == null || id.isBlank() || ts == null) {
            return new Rejected(Reason.MALFORMED_HEADER, "webhook-signature needs webhook-id and webhook-timestamp");
        }
        long seconds;
        try {
            seconds = Long.parseLong(ts.strip());
        } catch (NumberFormatException e) {
            return new Rejected(Reason.MALFORMED_HEADER, "webhook-timestamp is not Unix seconds");
        }
        long now = clock.instant().getEpochSecond();
        if (seconds < now - tolerance.toSeconds()) {
            return new Rejected(
                    Reason.STALE_TIMESTAMP,
                    "webhook-timestamp is " + (now - seconds) + " s old; tolerance is " + tolerance.toSeconds() + " s");
        }
        if (seconds > now + tolerance.toSeconds()) {
            return new Rejected(
                    Reason.FUTURE_TIMESTAMP,
                    "webhook-timestamp is " + (seconds - now) + " s in the future; tolerance is "
                            + tolerance.toSeconds() + " s");
        }
        String payload;
        try {
            // The library signs a String; decode strictly so two byte sequences can never share one signature.
            payload = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Rejected(
                    Reason.MALFORMED_HEADER,
                    "the body is not valid UTF-8, so it cannot carry a Standard Webhooks signature");
        }
        // The library computes the signature; the comparison is ours, because the library's verify() checks the
        // timestamp against the system clock, not the injected one (our tolerance check above is authoritative).
        List<byte[]> given = new ArrayList<>();
        for (String part : sig.strip().split(" +")) {
            if (part.startsWith("v1,")) {
                given.add(part.substring(3).getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (given.isEmpty()) {
            return new Rejected(Reason.MALFORMED_HEADER, "webhook-signature has no v1,<base64> signature");
        }
        for (int i = 0; i < standard.size(); i++) {
            byte[] expected;
            try {
                expected =
                        standard.get(i).sign(id, seconds, payload).substring(3).getBytes(StandardCharsets.US_ASCII);
            } catch (WebhookSigningException e) {
                return new Rejected(Reason.MALFORMED_HEADER, "webhook-signature cannot be computed: " + e.getMessage());
            }
            for (byte[] candidate : given) {
                if (MessageDigest.isEqual(expected, candidate)) {
                    return new Verified(Scheme.STANDARD, i, id, seconds);
                }
            }
        }
        return new Rejected(Reason.BAD_SIGNATURE, "webhook-signature matches no configured secret");
    }

    private Verification verifyLegacy(String header, byte[] body) {
        String value = header.strip();
        if (!value.toLowerCase(Locale.ROOT).startsWith("sha256=")) {
            return new Rejected(Reason.MALFORMED_HEADER, "X-Webhook-Signature must be sha256=<hex>");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(value.substring("sha256=".length()).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return new Rejected(Reason.MALFORMED_HEADER, "X-Webhook-Signature is not sha256=<hex>");
        }
        for (int i = 0; i < secrets.size(); i++) {
            if (MessageDigest.isEqual(WebhookSigner.legacyMac(secrets.get(i), body), given)) {
                return new Verified(Scheme.LEGACY, i, null, 0);
            }
        }
        return new Rejected(Reason.BAD_SIGNATURE, "X-Webhook-Signature matches no configured secret");
    }

    private static String first(Map<String, List<String>> h, String name) {
        List<String> values = h.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
