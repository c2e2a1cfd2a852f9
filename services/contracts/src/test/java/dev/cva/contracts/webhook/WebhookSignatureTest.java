package dev.cva.contracts.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import dev.cva.contracts.webhook.Verification.Reason;
import dev.cva.contracts.webhook.Verification.Rejected;
import dev.cva.contracts.webhook.Verification.Verified;
import java.net.http.HttpHeaders;
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
    static final byte[] BODY = "{\"eventType\":\"analytics_record_created\",\"timestamp\":1,\"data\":{}}".getBytes(StandardCharsets.UTF_8);

    final Instant now = Instant.now();
    final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    static Map<String, List<String>> multi(Map<String, String> h) {
        return h.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
    }

    Verification verify(Map<String, String> headers, byte[] body, boolean acceptLegacy, WebhookSecret... secrets) {
        return new WebhookVerifier(List.of(secrets), acceptLegacy, clock).verify(multi(headers), body);
    }

    @Test
    void standardSignatureVerifiesWithTheLibraryItself() throws Exception {
        Map<String, String> h = new WebhookSigner(SECRET).sign(BODY, "msg_1", now, Set.of(Scheme.STANDARD));
        new Webhook(SECRET.reveal()).verify(new String(BODY, StandardCharsets.UTF_8),
                HttpHeaders.of(multi(h), (a, b) -> true));
        assertThat(verify(h, BODY, true, SECRET)).isEqualTo(new Verified(Scheme.STANDARD, 0, "msg_1", now.getEpochSecond()));
    }

    @Test
    void legacySignatureIsHmacOfTheWholeSecretString() throws Exception {
        // Known answer: HMAC-SHA256 keyed by the UTF-8 bytes of "whsec_…" itself, over the raw body.
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(BODY));
        assertThat(new WebhookSigner(SECRET).legacySignature(BODY)).isEqualTo(expected);
        assertThat(verify(Map.of("X-Webhook-Signature", expected), BODY, true, SECRET).verified()).isTrue();
    }

    @Test
    void tamperedBodyFailsInBothSchemes() {
        Map<String, String> h = new WebhookSigner(SECRET).sign(BODY, "msg_1", now, Set.of(Scheme.STANDARD, Scheme.LEGACY));
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("1", "2").getBytes(StandardCharsets.UTF_8);
        assertThat(verify(h, tampered, true, SECRET)).isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.BAD_SIGNATURE));
        Map<String, String> legacyOnly = Map.of(WebhookHeaders.LEGACY_SIGNATURE, h.get(WebhookHeaders.LEGACY_SIGNATURE));
        assertThat(((Rejected) verify(legacyOnly, tampered, true, SECRET)).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void previousSecretIsAcceptedDuringRotation() {
        Map<String, String> h = new WebhookSigner(OLD).sign(BODY, "msg_2", now, Set.of(Scheme.STANDARD));
        assertThat(verify(h, BODY, true, SECRET, OLD)).isInstanceOfSatisfying(Verified.class,
                v -> assertThat(v.secretIndex()).isEqualTo(1));
        assertThat(verify(h, BODY, true, SECRET).verified()).isFalse();
    }

    @Test
    void staleAndFutureTimestampsAreNamed() {
        WebhookSigner signer = new WebhookSigner(SECRET);
        assertThat(((Rejected) verify(signer.sign(BODY, "a", now.minusSeconds(301), Set.of(Scheme.STANDARD)), BODY, true, SECRET))
                .reason()).isEqualTo(Reason.STALE_TIMESTAMP);
        assertThat(((Rejected) verify(signer.sign(BODY, "a", now.plusSeconds(301), Set.of(Scheme.STANDARD)), BODY, true, SECRET))
                .reason()).isEqualTo(Reason.FUTURE_TIMESTAMP);
        assertThat(verify(signer.sign(BODY, "a", now.minusSeconds(299), Set.of(Scheme.STANDARD)), BODY, true, SECRET).verified())
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
        assertThat(SECRET.toString()).doesNotContain(SECRET.reveal().substring(6)).startsWith("whsec_****");
        assertThatThrownBy(() -> WebhookSecret.parse("plain-secret")).hasMessageNotContaining("plain-secret")
                .hasMessageContaining("whsec_");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_!!!")).hasMessageNotContaining("!!!");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).hasMessageContaining("at least 16");
    }
}
