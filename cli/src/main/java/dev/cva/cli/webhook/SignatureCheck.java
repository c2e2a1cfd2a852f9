package dev.cva.cli.webhook;

import dev.cva.contracts.webhook.Verification;
import dev.cva.contracts.webhook.WebhookHeaders;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookSigner;
import dev.cva.contracts.webhook.WebhookVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Checks a captured request with the contract library's {@link WebhookVerifier} and says exactly why it fails:
 * which header is missing, which is malformed, how stale, or that the signature matches no secret.
 */
public final class SignatureCheck {
    /** The verdict as {@code cva webhook verify --json} prints it; never carries a secret, only fingerprints. */
    public record Outcome(
            boolean verified,
            String scheme,
            String secret,
            String secretFingerprint,
            String webhookId,
            Long timestamp,
            String reason,
            String detail,
            String hint) {}

    private final List<WebhookSecret> secrets;
    private final boolean acceptLegacy;
    private final Clock clock;
    private final Duration tolerance;

    /** @param secrets the current secret first, then the previous one */
    public SignatureCheck(List<WebhookSecret> secrets, boolean acceptLegacy, Clock clock, Duration tolerance) {
        this.secrets = List.copyOf(secrets);
        this.acceptLegacy = acceptLegacy;
        this.clock = clock;
        this.tolerance = tolerance;
    }

    public Outcome check(CapturedRequest request, byte[] body) {
        boolean standard = request.has(WebhookHeaders.SIGNATURE);
        boolean legacy = request.has(WebhookHeaders.LEGACY_SIGNATURE);
        if (standard) {
            for (String name : List.of(WebhookHeaders.ID, WebhookHeaders.TIMESTAMP)) {
                if (request.first(name) == null || request.first(name).isBlank()) {
                    return rejected(
                            "missing_header",
                            "header " + name + " is missing: webhook-signature needs "
                                    + "webhook-id and webhook-timestamp",
                            null);
                }
            }
        } else if (!legacy && (request.has(WebhookHeaders.ID) || request.has(WebhookHeaders.TIMESTAMP))) {
            return rejected(
                    "missing_header",
                    "header webhook-signature is missing (webhook-id/webhook-timestamp are present)",
                    null);
        }
        WebhookVerifier verifier = new WebhookVerifier(secrets, acceptLegacy, clock, tolerance);
        Verification v = verifier.verify(request.headers(), body);
        if (v instanceof Verification.Verified ok) {
            WebhookSecret s = secrets.get(ok.secretIndex());
            return new Outcome(
                    true,
                    ok.scheme().name().toLowerCase(Locale.ROOT),
                    ok.secretIndex() == 0 ? "current" : "previous",
                    s.fingerprint(),
                    ok.messageId(),
                    ok.scheme() == dev.cva.contracts.webhook.Scheme.STANDARD ? ok.timestamp() : null,
                    null,
                    null,
                    null);
        }
        Verification.Rejected no = (Verification.Rejected) v;
        if (no.reason() == Verification.Reason.BAD_SIGNATURE && standard) {
            Outcome late = beyondLibraryWindow(request, body);
            if (late != null) {
                return late;
            }
        }
        String reason = no.reason().name().toLowerCase(Locale.ROOT);
        return switch (no.reason()) {
            case MISSING_SIGNATURE ->
                rejected("missing_header", "no webhook-signature or X-Webhook-Signature header", null);
            case STALE_TIMESTAMP, FUTURE_TIMESTAMP ->
                rejected(
                        reason,
                        no.detail(),
                        "a captured request can be checked later with a wider --tolerance, e.g. --tolerance 24h");
            case LEGACY_REFUSED -> rejected(reason, no.detail(), "this environment sets webhook.acceptLegacy to false");
            case BAD_SIGNATURE ->
                rejected(
                        reason,
                        badSignatureDetail(no.detail(), verifier, request, body),
                        "the body must be the exact bytes that were signed; secrets tried: " + fingerprints()
                                + (standard && legacy
                                        ? "; when both schemes are present the Standard Webhooks headers decide"
                                        : ""));
            case MALFORMED_HEADER -> rejected(reason, no.detail(), null);
        };
    }

    private String badSignatureDetail(String detail, WebhookVerifier verifier, CapturedRequest request, byte[] body) {
        int all = body.length;
        while (all > 0 && (body[all - 1] == '\n' || body[all - 1] == '\r')) {
            all--;
        }
        int lf = body.length > 0 && body[body.length - 1] == '\n' ? body.length - 1 : body.length;
        int crlf = lf < body.length && lf > 0 && body[lf - 1] == '\r' ? lf - 1 : lf;
        for (int end : new int[] {lf, crlf, all}) {
            if (end < body.length
                    && verifier.verify(request.headers(), Arrays.copyOf(body, end))
                            .verified()) {
                return detail
                        + "; it verifies without the body's trailing newline: the file holds a newline that was not signed";
            }
        }
        return detail;
    }

    /**
     * The Standard Webhooks library checks timestamps against the system clock with its own 5-minute window, so a
     * request older than that fails there as a bad signature even under a wider {@code --tolerance}. Within our
     * tolerance, compare the signatures directly: the contract's signer computes the expected one per secret.
     */
    private Outcome beyondLibraryWindow(CapturedRequest request, byte[] body) {
        String id = request.first(WebhookHeaders.ID);
        long ts;
        try {
            ts = Long.parseLong(request.first(WebhookHeaders.TIMESTAMP).strip());
        } catch (RuntimeException e) {
            return null;
        }
        long age = Math.abs(clock.instant().getEpochSecond() - ts);
        if (age <= WebhookVerifier.DEFAULT_TOLERANCE.toSeconds() || age > tolerance.toSeconds()) {
            return null;
        }
        List<String> given =
                Arrays.asList(request.first(WebhookHeaders.SIGNATURE).strip().split("\\s+"));
        for (int i = 0; i < secrets.size(); i++) {
            byte[] expected = new WebhookSigner(secrets.get(i))
                    .standardSignature(body, id, ts)
                    .getBytes(StandardCharsets.UTF_8);
            for (String g : given) {
                if (MessageDigest.isEqual(expected, g.getBytes(StandardCharsets.UTF_8))) {
                    return new Outcome(
                            true,
                            "standard",
                            i == 0 ? "current" : "previous",
                            secrets.get(i).fingerprint(),
                            id,
                            ts,
                            null,
                            null,
                            null);
                }
            }
        }
        return null;
    }

    private String fingerprints() {
        return String.join(
                ", ", secrets.stream().map(WebhookSecret::fingerprint).toList());
    }

    private static Outcome rejected(String reason, String detail, String hint) {
        return new Outcome(false, null, null, null, null, null, reason, detail, hint);
    }
}
