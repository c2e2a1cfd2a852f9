package dev.cva.cli.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import dev.cva.cli.CliHarness;
import dev.cva.contracts.Contract;
import dev.cva.contracts.Examples;
import dev.cva.contracts.SignatureVectors;
import dev.cva.contracts.webhook.WebhookSecret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cva webhook sign} and {@code verify}, and interoperability with the Standard Webhooks library and openssl. */
class SignVerifyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final WebhookSecret secret = WebhookSecret.random();
    private Path body;
    private byte[] bytes;

    @BeforeEach
    void writeBody() throws IOException {
        bytes = Examples.get(Contract.WEBHOOK_BODY, Examples.Kind.VALID, "full-match")
                .bytes();
        body = tmp.resolve("body.json");
        Files.write(body, bytes);
    }

    private CliHarness cli() {
        return new CliHarness(tmp).cwd(CliHarness.repoRoot()).env("CVA_WEBHOOK_SECRET", secret.reveal());
    }

    private Map<String, String> signJson(String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("webhook", "sign", "--data=@" + body, "--json"));
        args.addAll(List.of(extra));
        CliHarness.Result r = cli().run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, String> headers = new HashMap<>();
        JSON.readTree(r.out())
                .get("headers")
                .fields()
                .forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        return headers;
    }

    @Test
    void signedHeadersVerifyWithTheStandardWebhooksLibrary() throws Exception {
        Map<String, String> h = signJson("--scheme", "standard");
        assertThat(h).containsOnlyKeys("webhook-id", "webhook-timestamp", "webhook-signature");
        new Webhook(secret.reveal())
                .verify(
                        new String(bytes, StandardCharsets.UTF_8),
                        Map.of(
                                "webhook-id", List.of(h.get("webhook-id")),
                                "webhook-timestamp", List.of(h.get("webhook-timestamp")),
                                "webhook-signature", List.of(h.get("webhook-signature"))));
    }

    @Test
    void legacySignatureMatchesOpensslHmac() throws Exception {
        Map<String, String> h = signJson("--scheme", "legacy");
        assertThat(h.get("x-webhook-signature")).isEqualTo("sha256=" + opensslHmacHex(secret.reveal(), body));
    }

    /** The shared known answers (Standard Webhooks' published example; legacy values from openssl), signed. */
    @Test
    void signReproducesTheKnownAnswerVectors() throws Exception {
        for (SignatureVectors.Standard v : SignatureVectors.standard()) {
            Path payload = Files.write(tmp.resolve(v.name() + ".body"), v.payload());
            CliHarness.Result r = new CliHarness(tmp)
                    .cwd(CliHarness.repoRoot())
                    .env("CVA_WEBHOOK_SECRET", v.secret())
                    .run(
                            "webhook",
                            "sign",
                            "--data=@" + payload,
                            "--scheme",
                            "standard",
                            "--id",
                            v.id(),
                            "--timestamp",
                            Long.toString(v.timestamp()),
                            "--json");
            assertEquals(0, r.exitCode(), r.toString());
            assertThat(JSON.readTree(r.out()).at("/headers/webhook-signature").asText())
                    .as(v.name())
                    .isEqualTo(v.signature());
        }
        for (SignatureVectors.Legacy v : SignatureVectors.legacy()) {
            Path payload = Files.write(tmp.resolve(v.name() + ".body"), v.payload());
            CliHarness.Result r = new CliHarness(tmp)
                    .cwd(CliHarness.repoRoot())
                    .env("CVA_WEBHOOK_SECRET", v.secret())
                    .run("webhook", "sign", "--data=@" + payload, "--scheme", "legacy", "--json");
            assertEquals(0, r.exitCode(), r.toString());
            assertThat(JSON.readTree(r.out()).at("/headers/x-webhook-signature").asText())
                    .as(v.name())
                    .isEqualTo(v.signature());
        }
    }

    /** The same known answers, verified; the published example is from 2021, hence the wide tolerance. */
    @Test
    void verifyAcceptsTheKnownAnswerVectors() throws Exception {
        for (SignatureVectors.Standard v : SignatureVectors.standard()) {
            Path payload = Files.write(tmp.resolve(v.name() + ".body"), v.payload());
            Path headers = write(
                    v.name() + ".headers",
                    "webhook-id: " + v.id() + "\nwebhook-timestamp: " + v.timestamp() + "\nwebhook-signature: "
                            + v.signature() + "\n");
            CliHarness harness = new CliHarness(tmp).cwd(CliHarness.repoRoot()).env("CVA_WEBHOOK_SECRET", v.secret());
            CliHarness.Result r = harness.run(
                    "webhook",
                    "verify",
                    "--headers",
                    headers.toString(),
                    "--data=@" + payload,
                    "--tolerance",
                    "1000000h",
                    "--json");
            assertEquals(0, r.exitCode(), r.toString());
            assertThat(JSON.readTree(r.out()).get("scheme").asText()).isEqualTo("standard");
            Path other = Files.write(
                    tmp.resolve(v.name() + ".other"), "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8));
            assertEquals(
                    5,
                    harness.run(
                                    "webhook",
                                    "verify",
                                    "--headers",
                                    headers.toString(),
                                    "--data=@" + other,
                                    "--tolerance",
                                    "1000000h")
                            .exitCode());
        }
        String current = SignatureVectors.legacy("original-notifier-body").secret();
        for (SignatureVectors.Legacy v : SignatureVectors.legacy()) {
            Path payload = Files.write(tmp.resolve(v.name() + ".body"), v.payload());
            Path headers = write(v.name() + ".headers", "X-Webhook-Signature: " + v.signature() + "\n");
            CliHarness harness = new CliHarness(tmp).cwd(CliHarness.repoRoot()).env("CVA_WEBHOOK_SECRET", current);
            if (!v.secret().equals(current)) {
                harness.env("CVA_WEBHOOK_SECRET_PREVIOUS", v.secret());
            }
            CliHarness.Result r =
                    harness.run("webhook", "verify", "--headers", headers.toString(), "--data=@" + payload, "--json");
            assertEquals(0, r.exitCode(), r.toString());
            JsonNode out = JSON.readTree(r.out());
            assertThat(out.get("scheme").asText()).isEqualTo("legacy");
            assertThat(out.get("secret").asText())
                    .as(v.name())
                    .isEqualTo(v.secret().equals(current) ? "current" : "previous");
        }
    }

    @Test
    void idAndTimestampAreHonouredAndTextOutputIsCurlFriendly() {
        CliHarness.Result r =
                cli().run("webhook", "sign", "--data=@" + body, "--id", "msg_fixed", "--timestamp", "1700000000");
        assertEquals(0, r.exitCode(), r.toString());
        assertThat(r.out().lines().toList()).hasSize(4).allMatch(l -> l.matches("-H '[a-z-]+: [^']+'"));
        assertThat(r.out()).contains("-H 'webhook-id: msg_fixed'", "-H 'webhook-timestamp: 1700000000'");
        assertThat(r.out() + r.err()).doesNotContain(secret.reveal());
    }

    /** {@code --data @FILE} as two words, like curl: the root command must not expand picocli @-files. */
    @Test
    void dataAtFileAsTwoWordsLikeCurl() throws Exception {
        CliHarness.Result r = cli().run("webhook", "sign", "--data", "@" + body, "--scheme", "legacy", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertThat(JSON.readTree(r.out()).at("/headers/x-webhook-signature").asText())
                .isEqualTo("sha256=" + opensslHmacHex(secret.reveal(), body));
    }

    @Test
    void signReadsTheBodyFromStdin() throws Exception {
        CliHarness.Result fromStdin = cli().stdin(new String(bytes, StandardCharsets.UTF_8))
                .run("webhook", "sign", "--scheme", "legacy", "--json");
        assertEquals(0, fromStdin.exitCode(), fromStdin.toString());
        assertThat(JSON.readTree(fromStdin.out())
                        .at("/headers/x-webhook-signature")
                        .asText())
                .isEqualTo("sha256=" + opensslHmacHex(secret.reveal(), body));
    }

    @Test
    void librarySignedRequestVerifies() throws Exception {
        long now = Instant.now().getEpochSecond();
        String sig = new Webhook(secret.reveal()).sign("msg_lib", now, new String(bytes, StandardCharsets.UTF_8));
        Path headers = write(
                "headers.txt",
                "HTTP/1.1 200 OK\r\nwebhook-id: msg_lib\r\nWebhook-Timestamp: " + now + "\r\nwebhook-signature: " + sig
                        + "\r\n\r\n");
        CliHarness.Result r = verify(headers);
        assertEquals(0, r.exitCode(), r.toString());
        assertThat(r.out()).contains("verified: standard signature by the current secret", "msg_lib");
    }

    @Test
    void opensslSignedLegacyRequestVerifies() throws Exception {
        Path headers = write(
                "headers.json", "{\"X-Webhook-Signature\": \"sha256=" + opensslHmacHex(secret.reveal(), body) + "\"}");
        CliHarness.Result r =
                cli().run("webhook", "verify", "--headers", headers.toString(), "--data=@" + body, "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.get("verified").asBoolean()).isTrue();
        assertThat(out.get("scheme").asText()).isEqualTo("legacy");
        assertThat(out.get("secret").asText()).isEqualTo("current");
    }

    @Test
    void signOutputRoundTripsThroughVerify() throws Exception {
        CliHarness.Result signed = cli().run("webhook", "sign", "--data=@" + body);
        Path headers = write("sign.txt", signed.out());
        CliHarness.Result r = verify(headers);
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void thePreviousSecretIsRecognised() throws Exception {
        WebhookSecret current = WebhookSecret.random();
        Map<String, String> h = signJson();
        Path headers = write("h.txt", lines(h));
        CliHarness.Result r = new CliHarness(tmp)
                .cwd(CliHarness.repoRoot())
                .env("CVA_WEBHOOK_SECRET", current.reveal())
                .env("CVA_WEBHOOK_SECRET_PREVIOUS", secret.reveal())
                .run("webhook", "verify", "--headers", headers.toString(), "--data=@" + body);
        assertEquals(0, r.exitCode(), r.toString());
        assertThat(r.out()).contains("by the previous secret", secret.fingerprint());
        assertThat(r.out() + r.err()).doesNotContain(secret.reveal(), current.reveal());
    }

    @Test
    void failuresSayExactlyWhy() throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, String> h = signJson();
        assertFails(
                Map.of(
                        "webhook-signature",
                        h.get("webhook-signature"),
                        "webhook-timestamp",
                        h.get("webhook-timestamp")),
                "missing_header",
                "webhook-id is missing");
        assertFails(
                Map.of("webhook-id", "msg_1", "webhook-timestamp", "" + now),
                "missing_header",
                "webhook-signature is missing");
        assertFails(Map.of(), "missing_header", "no webhook-signature or X-Webhook-Signature");
        assertFails(
                Map.of("webhook-id", "m", "webhook-timestamp", "yesterday", "webhook-signature", "v1,AAAA"),
                "malformed_header",
                "not Unix seconds");
        assertFails(Map.of("x-webhook-signature", "md5=abc"), "malformed_header", "sha256=<hex>");
        Map<String, String> stale = signJson("--timestamp", Long.toString(now - 900));
        assertFails(stale, "stale_timestamp", "s old");
        Map<String, String> future = signJson("--timestamp", Long.toString(now + 900));
        assertFails(future, "future_timestamp", "in the future");
        Map<String, String> tampered = new HashMap<>(h);
        tampered.put("webhook-id", "msg_other");
        assertFails(tampered, "bad_signature", "matches no configured secret");
    }

    @Test
    void staleRequestsVerifyWithAWiderTolerance() throws Exception {
        Map<String, String> stale =
                signJson("--timestamp", Long.toString(Instant.now().getEpochSecond() - 900));
        Path headers = write("stale.txt", lines(stale));
        CliHarness.Result r =
                cli().run("webhook", "verify", "--headers", headers.toString(), "--data=@" + body, "--tolerance", "1h");
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void legacyIsRefusedWhenTheEnvironmentRefusesIt() throws Exception {
        Path headers = write("legacy.txt", "X-Webhook-Signature: sha256=" + opensslHmacHex(secret.reveal(), body));
        CliHarness.Result r = cli().env("CVA_WEBHOOK_ACCEPT_LEGACY", "false")
                .run("webhook", "verify", "--headers", headers.toString(), "--data=@" + body);
        assertEquals(5, r.exitCode(), r.toString());
        assertThat(r.out()).contains("legacy_refused");
        CliHarness.Result flag =
                cli().run("webhook", "verify", "--headers", headers.toString(), "--data=@" + body, "--refuse-legacy");
        assertEquals(5, flag.exitCode(), flag.toString());
    }

    @Test
    void aTrailingNewlineInTheBodyFileIsPointedOut() throws Exception {
        Path headers = write("h.txt", lines(signJson()));
        Path withNewline = tmp.resolve("body-nl.json");
        Files.write(withNewline, (new String(bytes, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        CliHarness.Result r = cli().run("webhook", "verify", "--headers", headers.toString(), "--data=@" + withNewline);
        assertEquals(5, r.exitCode(), r.toString());
        assertThat(r.out()).contains("bad_signature", "trailing newline");
    }

    @Test
    void aSecretOnTheCommandLineIsRefusedWithoutEchoingIt() {
        String plain = WebhookSecret.random().reveal();
        for (String[] args : List.of(
                new String[] {"webhook", "sign", "--secret", plain, "--data=@" + body, "--verbose"},
                new String[] {"webhook", "sign", "--secret=" + plain, "--data=@" + body, "--json"},
                new String[] {"webhook", "send", "--secret", plain, "--url", "http://127.0.0.1:9/"},
                new String[] {"webhook", "sign", "--secret-env", plain, "--data=@" + body})) {
            CliHarness.Result r = cli().run(args);
            assertEquals(2, r.exitCode(), r.toString());
            assertThat(r.out() + r.err()).doesNotContain(plain).containsAnyOf("--secret-env", "NAME");
        }
    }

    @Test
    void secretsComeFromANamedVariableOrAFile() throws Exception {
        WebhookSecret other = WebhookSecret.random();
        CliHarness.Result byEnv = new CliHarness(tmp)
                .cwd(CliHarness.repoRoot())
                .env("MY_SECRET", other.reveal())
                .run("webhook", "sign", "--secret-env", "MY_SECRET", "--data=@" + body, "--json");
        assertEquals(0, byEnv.exitCode(), byEnv.toString());
        assertThat(byEnv.out()).contains(other.fingerprint()).doesNotContain(other.reveal());
        Path file = write("secret.txt", other.reveal() + "\n");
        CliHarness.Result byFile = new CliHarness(tmp)
                .cwd(CliHarness.repoRoot())
                .run("webhook", "sign", "--secret-file", file.toString(), "--data=@" + body, "--json");
        assertEquals(0, byFile.exitCode(), byFile.toString());
        assertThat(byFile.out()).contains(other.fingerprint());
        CliHarness.Result unset = new CliHarness(tmp)
                .cwd(CliHarness.repoRoot())
                .run("webhook", "sign", "--secret-env", "NOT_SET_ANYWHERE", "--data=@" + body);
        assertEquals(2, unset.exitCode(), unset.toString());
        assertThat(unset.err()).contains("NOT_SET_ANYWHERE", "is not set");
    }

    private void assertFails(Map<String, String> headers, String reason, String detail) throws IOException {
        Path file = write("fail-" + reason + ".txt", lines(headers));
        CliHarness.Result r = cli().run("webhook", "verify", "--headers", file.toString(), "--data=@" + body, "--json");
        assertEquals(5, r.exitCode(), r.toString());
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.get("verified").asBoolean()).isFalse();
        assertThat(out.get("reason").asText()).as(r.toString()).isEqualTo(reason);
        assertThat(out.get("detail").asText()).contains(detail);
        assertThat(r.out() + r.err()).doesNotContain(secret.reveal());
    }

    private CliHarness.Result verify(Path headers) {
        return cli().run("webhook", "verify", "--headers", headers.toString(), "--data=@" + body);
    }

    private static String lines(Map<String, String> headers) {
        StringBuilder sb = new StringBuilder();
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    /** HMAC-SHA256 by openssl, as a sender in another language would compute the legacy signature. */
    static String opensslHmacHex(String key, Path file) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", key, file.toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError(
                    "openssl is required for the interoperability tests and was not found on the PATH: "
                            + e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("openssl dgst failed: " + out);
        }
        return out.substring(out.lastIndexOf("= ") + 2).strip();
    }
}
