package dev.cva.contracts.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.contracts.SignatureVectors;
import dev.cva.contracts.webhook.Verification.Reason;
import dev.cva.contracts.webhook.Verification.Rejected;
import dev.cva.contracts.webhook.Verification.Verified;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    static final WebhookSecret SECRET = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    static final WebhookSecret OLD = WebhookSecret.random();
    static final byte[] BODY =
            "{\"eventType\":\"analytics_record_created\",\"timestamp\":1,\"data\":{}}".getBytes(StandardCharsets.UTF_8);

    final Instant now = Instant.now();
    final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    static Map<String, List<String>> multi(Map<String, String> h) {
        return h.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
    }

    Verification verify(Map<String, String> headers, byte[] body, boolean acceptLegacy, WebhookSecret... secrets) {
        return new WebhookVerifier(List.of(secrets), acceptLegacy, clock).verify(multi(headers), body);
    }

    @Test
    void standardSignatureRoundTrips() {
        Map<String, String> h = new WebhookSigner(SECRET).sign(BODY, "msg_1", now, Set.of(Scheme.STANDARD));
        assertThat(verify(h, BODY, true, SECRET))
                .isEqualTo(new Verified(Scheme.STANDARD, 0, "msg_1", now.getEpochSecond()));
    }

    /** The Standard Webhooks specification's published example, signed and verified at its own timestamp. */
    @Test
    void standardWebhooksPublishedVector() {
        for (SignatureVectors.Standard v : SignatureVectors.standard()) {
            WebhookSecret secret = WebhookSecret.parse(v.secret());
            Instant at = Instant.ofEpochSecond(v.timestamp());
            assertThat(new WebhookSigner(secret).standardSignature(v.payload(), v.id(), v.timestamp()))
                    .as(v.name())
                    .isEqualTo(v.signature());
            Map<String, String> headers = Map.of(
                    WebhookHeaders.ID,
                    v.id(),
                    WebhookHeaders.TIMESTAMP,
                    Long.toString(v.timestamp()),
                    WebhookHeaders.SIGNATURE,
                    v.signature());
            Verification result = new WebhookVerifier(List.of(secret), true, Clock.fixed(at, ZoneOffset.UTC))
                    .verify(multi(headers), v.payload());
            assertThat(result).as(v.name()).isEqualTo(new Verified(Scheme.STANDARD, 0, v.id(), v.timestamp()));
            byte[] flipped = v.payload().clone();
            flipped[flipped.length - 2] ^= 1;
            assertThat(new WebhookVerifier(List.of(secret), true, Clock.fixed(at, ZoneOffset.UTC))
                            .verify(multi(headers), flipped)
                            .verified())
                    .isFalse();
        }
    }

    /** Legacy values computed once with {@code openssl dgst -sha256 -hmac <whole secret string>} (see vectors.json). */
    @Test
    void legacyOpensslVectors() {
        List<SignatureVectors.Legacy> vectors = SignatureVectors.legacy();
        assertThat(vectors).hasSizeGreaterThanOrEqualTo(2);
        WebhookSecret current = WebhookSecret.parse(
                SignatureVectors.legacy("original-notifier-body").secret());
        for (SignatureVectors.Legacy v : vectors) {
            WebhookSecret secret = WebhookSecret.parse(v.secret());
            assertThat(new WebhookSigner(secret).legacySignature(v.payload()))
                    .as(v.name())
                    .isEqualTo(v.signature());
            assertThat(new WebhookSigner(secret).sign(v.payload(), "m", now, Set.of(Scheme.LEGACY)))
                    .containsEntry(WebhookHeaders.LEGACY_SIGNATURE, v.signature());
            int index = secret.equals(current) ? 0 : 1;
            assertThat(verify(Map.of("X-Webhook-Signature", v.signature()), v.payload(), true, current, secret))
                    .as(v.name())
                    .isEqualTo(new Verified(Scheme.LEGACY, index, null, 0));
            assertThat(verify(
                                    Map.of(
                                            "X-Webhook-Signature",
                                            v.signature().toUpperCase().replace("SHA256=", "sha256=")),
                                    v.payload(),
                                    true,
                                    current,
                                    secret)
                            .verified())
                    .as("hex is case-insensitive")
                    .isTrue();
            assertThat(verify(Map.of("X-Webhook-Signature", v.signature()), v.payload(), true, OLD)
                            .verified())
                    .as("another secret")
                    .isFalse();
        }
    }

    @Test
    void tamperedBodyFailsInBothSchemes() {
        Map<String, String> h =
                new WebhookSigner(SECRET).sign(BODY, "msg_1", now, Set.of(Scheme.STANDARD, Scheme.LEGACY));
        byte[] tampered =
                new String(BODY, StandardCharsets.UTF_8).replace("1", "2").getBytes(StandardCharsets.UTF_8);
        assertThat(verify(h, tampered, true, SECRET))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).isEqualTo(Reason.BAD_SIGNATURE));
        Map<String, String> legacyOnly =
                Map.of(WebhookHeaders.LEGACY_SIGNATURE, h.get(WebhookHeaders.LEGACY_SIGNATURE));
        assertThat(((Rejected) verify(legacyOnly, tampered, true, SECRET)).reason())
                .isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void previousSecretIsAcceptedDuringRotation() {
        Map<String, String> h = new WebhookSigner(OLD).sign(BODY, "msg_2", now, Set.of(Scheme.STANDARD));
        assertThat(verify(h, BODY, true, SECRET, OLD))
                .isInstanceOfSatisfying(
                        Verified.class, v -> assertThat(v.secretIndex()).isEqualTo(1));
        assertThat(verify(h, BODY, true, SECRET).verified()).isFalse();
    }

    @Test
    void staleAndFutureTimestampsAreNamed() {
        WebhookSigner signer = new WebhookSigner(SECRET);
        assertThat(((Rejected) verify(
                                signer.sign(BODY, "a", now.minusSeconds(301), Set.of(Scheme.STANDARD)),
                                BODY,
                                true,
                                SECRET))
                        .reason())
                .isEqualTo(Reason.STALE_TIMESTAMP);
        assertThat(((Rejected) verify(
                                signer.sign(BODY, "a", now.plusSeconds(301), Set.of(Scheme.STANDARD)),
                                BODY,
                                true,
                                SECRET))
                        .reason())
                .isEqualTo(Reason.FUTURE_TIMESTAMP);
        assertThat(verify(signer.sign(BODY, "a", now.minusSeconds(299), Set.of(Scheme.STANDARD)), BODY, true, SECRET)
                        .verified())
                .isTrue();
    }

    @Test
    void legacyCanBeRefusedAndCannotOverrideAFailedStandardSignature() {
        Map<String, String> h = new HashMap<>(new WebhookSigner(SECRET).sign(BODY, "m", now, Set.of(Scheme.LEGACY)));
        assertThat(((Rejected) verify(h, BODY, false, SECRET)).reason()).isEqualTo(Reason.LEGACY_REFUSED);
        h.putAll(new WebhookSigner(OLD).sign(BODY, "m", now, Set.of(Scheme.STANDARD)));
        assertThat(((Rejected) verify(h, BODY, true, SECRET)).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void bodiesThatAreNotUtf8CannotShareAStandardSignature() {
        byte[] a = {'{', (byte) 0xff, '}'};
        byte[] b = {'{', (byte) 0xfe, '}'};
        Map<String, String> h = new WebhookSigner(SECRET).sign(a, "m", now, Set.of(Scheme.STANDARD));
        assertThat(((Rejected) verify(h, a, true, SECRET)).reason()).isEqualTo(Reason.MALFORMED_HEADER);
        assertThat(verify(h, b, true, SECRET).verified()).isFalse();
    }

    @Test
    void missingAndMalformedHeaders() {
        assertThat(((Rejected) verify(Map.of(), BODY, true, SECRET)).reason()).isEqualTo(Reason.MISSING_SIGNATURE);
        assertThat(((Rejected) verify(Map.of("x-webhook-signature", "md5=abc"), BODY, true, SECRET)).reason())
                .isEqualTo(Reason.MALFORMED_HEADER);
        assertThat(((Rejected) verify(Map.of("webhook-signature", "v1,abc"), BODY, true, SECRET)).reason())
                .isEqualTo(Reason.MALFORMED_HEADER);
    }

    @Test
    void secretNeverAppearsInTextAndBadSecretsAreExplained() {
        assertThat(SECRET.toString())
                .doesNotContain(SECRET.reveal().substring(6))
                .startsWith("whsec_****");
        assertThatThrownBy(() -> WebhookSecret.parse("plain-secret"))
                .hasMessageNotContaining("plain-secret")
                .hasMessageContaining("whsec_");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_!!!")).hasMessageNotContaining("!!!");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).hasMessageContaining("at least 16");
    }
}
