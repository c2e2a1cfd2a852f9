package dev.cva.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.contracts.webhook.Scheme;
import dev.cva.contracts.webhook.Verification;
import dev.cva.contracts.webhook.WebhookHeaders;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookVerifier;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The webhook DLQ replays to a receiver over HTTP. The stand-in receiver checks every request's signature with the
 * contracts library's verifier, in each scheme on its own, and answers 200/400/429/503 by the record's requestId.
 */
class ReplayWebhookDlqTest {
    @TempDir
    Path project;

    SqsStack stack;
    HttpServer receiver;
    final WebhookSecret secret = WebhookSecret.random();
    final Map<String, Integer> answers = Map.of("ok", 200, "bad", 400, "busy", 429, "down", 503);
    final Set<String> verifiedBoth = ConcurrentHashMap.newKeySet();
    final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        stack = SqsStack.start();
        stack.writeState(project);
        WebhookVerifier standardOnly = new WebhookVerifier(List.of(secret), false, Clock.systemUTC());
        WebhookVerifier legacy = new WebhookVerifier(List.of(secret), true, Clock.systemUTC());
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        receiver.createContext("/", x -> {
            byte[] body = x.getRequestBody().readAllBytes();
            String requestId = CvaContext.json()
                    .readTree(body)
                    .path("data")
                    .path("requestId")
                    .asText();
            requests.add(requestId);
            Map<String, List<String>> legacyOnly = new HashMap<>();
            legacyOnly.put(
                    WebhookHeaders.LEGACY_SIGNATURE, x.getRequestHeaders().get(WebhookHeaders.LEGACY_SIGNATURE));
            Verification s = standardOnly.verify(x.getRequestHeaders(), body);
            Verification l = legacy.verify(legacyOnly, body);
            int status;
            if (s instanceof Verification.Verified vs
                    && vs.scheme() == Scheme.STANDARD
                    && l instanceof Verification.Verified vl
                    && vl.scheme() == Scheme.LEGACY) {
                verifiedBoth.add(requestId);
                status = answers.get(requestId.substring(0, requestId.indexOf('-')));
            } else {
                status = 401;
            }
            byte[] out = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, out.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(out);
            }
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        stack.close();
    }

    CliHarness cli() {
        return new CliHarness(project)
                .env("CVA_WEBHOOK_SECRET", secret.reveal())
                .env(
                        "CVA_WEBHOOK_URL",
                        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/");
    }

    void deadLetter(String requestId, String reason) {
        String body =
                "{\"eventType\":\"analytics_record_created\",\"timestamp\":1764633600000,\"data\":{\"requestId\":\""
                        + requestId + "\",\"query\":\"q\",\"matchType\":\"full\",\"matchScore\":90}}";
        stack.sqs.sendMessage(b -> b.queueUrl(stack.webhookDlqUrl)
                .messageBody(body)
                .messageAttributes(Map.of(
                        "reason",
                                MessageAttributeValue.builder()
                                        .dataType("String")
                                        .stringValue(reason)
                                        .build(),
                        "requestId",
                                MessageAttributeValue.builder()
                                        .dataType("String")
                                        .stringValue(requestId)
                                        .build())));
    }

    @Test
    void onlyA2xxDeletesAnd4xxOtherThan429IsPermanent() throws Exception {
        deadLetter("ok-1", "receiver answered 503");
        deadLetter("ok-2", "receiver answered 503");
        deadLetter("bad-1", "receiver answered 400");
        deadLetter("busy-1", "timeout");
        deadLetter("down-1", "timeout");

        CliHarness.Result preview = cli().run("replay-dlq", "-q", "webhook", "--json");
        assertEquals(0, preview.exitCode(), preview.toString());
        JsonNode p = CvaContext.json().readTree(preview.out()).get("preview");
        assertThat(p.get("groupedBy").asText()).isEqualTo("reason");
        assertThat(p.get("groups").get("timeout").asLong()).isEqualTo(2);
        assertThat(p.get("groups").get("receiver answered 503").asLong()).isEqualTo(2);
        assertThat(p.get("target").asText()).startsWith("receiver http://127.0.0.1:");
        assertThat(requests).isEmpty();

        CliHarness.Result r = cli().run("replay-dlq", "-q", "webhook", "--execute", "--yes", "--json");
        assertEquals(3, r.exitCode(), r.toString());
        JsonNode sum = CvaContext.json().readTree(r.out());
        assertThat(sum.get("moved").asLong()).isEqualTo(2);
        assertThat(sum.get("permanent").asLong()).isEqualTo(1);
        assertThat(sum.get("failed").asLong()).isEqualTo(2);
        assertThat(verifiedBoth).containsExactlyInAnyOrder("ok-1", "ok-2", "bad-1", "busy-1", "down-1");
        assertThat(r.out()).doesNotContain(secret.reveal());
        assertThat(r.err()).doesNotContain(secret.reveal());

        List<Message> left = stack.drain(stack.webhookDlqUrl);
        assertThat(left)
                .extracting(m -> m.messageAttributes().get("requestId").stringValue())
                .containsExactlyInAnyOrder("bad-1", "busy-1", "down-1");
        CliHarness.Result text = cli().run("replay-dlq", "-q", "webhook", "--execute", "--yes");
        assertEquals(4, text.exitCode(), text.toString()); // drained above: nothing left
    }

    @Test
    void theTextSummarySaysWhichArePermanent() {
        deadLetter("bad-2", "receiver answered 400");
        deadLetter("ok-3", "timeout");
        CliHarness.Result r = cli().run("replay-dlq", "-q", "webhook", "--execute", "--yes");
        assertEquals(3, r.exitCode(), r.toString());
        assertThat(r.out())
                .contains("moved 1, skipped 0, failed 1 (1 permanent)", "PERMANENT", "receiver answered 400");
        assertThat(r.err()).contains("refused by the receiver for good");
    }
}
