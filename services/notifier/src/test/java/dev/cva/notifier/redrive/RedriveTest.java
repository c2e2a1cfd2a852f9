package dev.cva.notifier.redrive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.local.LocalSqs;
import dev.cva.notifier.support.WebhookReceiver;
import dev.cva.notifier.support.WebhookReceiver.Step;
import dev.cva.replay.AwsSqsPort;
import dev.cva.replay.WebhookTarget;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The scheduled redrive against ElasticMQ and a real HTTP receiver that verifies both signature schemes. */
class RedriveTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final WebhookSecret SECRET = WebhookSecret.parse("whsec_Y3YtYW5hbHl0aWNzLWxvY2FsLWRldmVsb3BtZW50LW9ubHk=");

    static LocalSqs localSqs;
    static SqsClient sqs;
    static WebhookReceiver receiver;
    String dlqUrl;
    ByteArrayOutputStream logBytes;

    @BeforeAll
    static void start() throws Exception {
        localSqs = LocalSqs.start();
        sqs = localSqs.client();
        receiver = new WebhookReceiver(SECRET);
    }

    @AfterAll
    static void stop() {
        receiver.close();
        sqs.close();
        localSqs.close();
    }

    @BeforeEach
    void fresh() {
        receiver.reset();
        dlqUrl = sqs.createQueue(b -> b.queueName("webhook-dlq-" + UUID.randomUUID()))
                .queueUrl();
        logBytes = new ByteArrayOutputStream();
    }

    Redrive redrive(double perSecond) {
        JsonLog log = new JsonLog(
                "notifier-redrive", new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC());
        return new Redrive(
                new AwsSqsPort(localSqs.client()),
                dlqUrl,
                new WebhookTarget(receiver.url(), SECRET, Clock.systemUTC(), Duration.ofSeconds(2), "test"),
                perSecond,
                log,
                Clock.systemUTC());
    }

    String deadLetter(String reason, Integer lastStatus) {
        String requestId = UUID.randomUUID().toString();
        String body = "{\"eventType\":\"analytics_record_created\",\"timestamp\":1,\"data\":{\"requestId\":\""
                + requestId + "\"}}";
        Map<String, MessageAttributeValue> attrs = new HashMap<>();
        attrs.put(
                "reason",
                MessageAttributeValue.builder()
                        .dataType("String")
                        .stringValue(reason)
                        .build());
        if (lastStatus != null) {
            attrs.put(
                    "lastStatus",
                    MessageAttributeValue.builder()
                            .dataType("Number")
                            .stringValue(lastStatus.toString())
                            .build());
        }
        sqs.sendMessage(b -> b.queueUrl(dlqUrl).messageBody(body).messageAttributes(attrs));
        return requestId;
    }

    long depth() {
        Map<String, String> a = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.ALL))
                .attributesAsStrings();
        return Long.parseLong(a.get("ApproximateNumberOfMessages"))
                + Long.parseLong(a.get("ApproximateNumberOfMessagesNotVisible"));
    }

    JsonNode redriveLine() throws Exception {
        for (String l : logBytes.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode n = MAPPER.readTree(l);
            if ("redrive".equals(n.path("event").asText())) {
                return n;
            }
        }
        throw new AssertionError("no redrive line in " + logBytes);
    }

    @Test
    void aHealthyReceiverGetsEveryTransientDeadLetterBackSignedAtTheCappedRateAndPermanentOnesStay() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(deadLetter(i % 2 == 0 ? "circuit_open" : "HTTP 503 after 3 attempts", i % 2 == 0 ? null : 503));
        }
        deadLetter("invalid record: [$.data.matchType]", null);
        deadLetter("HTTP 400 (not retried)", 400);
        // refused as a same-second replay by the receiver's guard: re-signed with a fresh id it goes through
        ids.add(deadLetter("HTTP 401 (not retried)", 401));

        Redrive.Outcome o = redrive(20).run(60_000);

        assertThat(o.moved()).isEqualTo(31);
        assertThat(o.stoppedBy()).isNull();
        assertThat(o.skipped()).as("the two permanent ones").isEqualTo(2);
        assertThat(receiver.received()).hasSize(31);
        assertThat(receiver.received())
                .allSatisfy(r -> assertThat(r.standard().verified()).isTrue());
        assertThat(receiver.received())
                .extracting(r ->
                        MAPPER.readTree(r.body()).path("data").path("requestId").asText())
                .containsExactlyInAnyOrderElementsOf(ids);
        // 30 at 20/s with a burst of 10: at least a second
        assertThat(o.seconds()).isGreaterThanOrEqualTo(0.9);
        assertThat(depth()).as("the permanent ones stay for a person").isEqualTo(2);
        JsonNode line = redriveLine();
        assertThat(line.path("moved").asLong()).isEqualTo(31);
        assertThat(line.path("severity").asText()).isEqualTo("INFO");
    }

    @Test
    void theFirstSignOfANewOutageStopsTheRunAndEverythingStays() throws Exception {
        for (int i = 0; i < 40; i++) {
            deadLetter("circuit_open", null);
        }
        Step[] down = new Step[100];
        java.util.Arrays.fill(down, Step.status(503));
        receiver.script(down);

        Redrive.Outcome o = redrive(20).run(60_000);

        assertThat(o.moved()).isZero();
        assertThat(o.stoppedBy()).contains("503");
        assertThat(receiver.received().size())
                .as("a few tries at most, not the whole DLQ")
                .isLessThanOrEqualTo(Redrive.WORKERS * 10);
        assertThat(receiver.received().size()).isLessThan(40);
        assertThat(depth()).isEqualTo(40);
        assertThat(redriveLine().path("severity").asText()).isEqualTo("WARNING");
    }

    @Test
    void aSlowReceiverDoesNotKeepTheRunPastItsTimeAndWhatItDidNotReachStays() throws Exception {
        for (int i = 0; i < 200; i++) {
            deadLetter("circuit_open", null);
        }
        Step[] slow = new Step[200];
        java.util.Arrays.fill(slow, new Step(200, 100, null)); // 4 workers: about 40 a second, not the 75 allowed
        receiver.script(slow);

        // 1.5 s to send in (the rest of the invocation's time is the margin): at 75/s that would be 112 webhooks
        Redrive.Outcome o = redrive(75).run(Redrive.MARGIN_MS + 1_500);

        assertThat(o.stoppedBy()).isNull();
        // receiving stops at 1.5 s (what is in flight is delivered): fewer than the 112 the rate alone would allow
        // (the run's cap), however slow the machine; the seconds it took are a figure, not a check
        System.out.println("a slow receiver: " + o.moved() + " moved in " + o.seconds() + " s");
        assertThat(o.moved()).isPositive().isLessThan(112);
        assertThat(depth()).as("nothing lost: the rest waits for the next run").isEqualTo(200 - o.moved());
        assertThat(receiver.received()).hasSize((int) o.moved());
    }

    @Test
    void anEmptyDlqIsAQuickNoOp() throws Exception {
        Redrive.Outcome o = redrive(20).run(60_000);
        assertThat(o.moved()).isZero();
        // quick: it ends on the empty receive, not when its receive budget (the time left less the margin) runs out
        assertThat(o.seconds()).isLessThan((60_000 - Redrive.MARGIN_MS) / 1000.0);
        assertThat(redriveLine().path("message").asText()).contains("nothing to move");
    }

    /** The notifier's own dead-letter writer keeps the trace id; the redrive sends it again as a traceparent. */
    @Test
    void aDeadLetteredTraceIsSentAgainByTheRedriveAndTheLinesCarryTheInvocationsId() throws Exception {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String requestId = UUID.randomUUID().toString();
        byte[] body = ("{\"eventType\":\"analytics_record_created\",\"timestamp\":1,\"data\":{\"requestId\":\""
                        + requestId + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        new dev.cva.notifier.aws.SqsDeadLetters(sqs, dlqUrl)
                .put(new dev.cva.notifier.DeadLetters.DeadLetter(
                        body, requestId, "msg_" + requestId, "circuit_open", 0, null, trace));
        Redrive redrive = redrive(20);
        String awsRequestId = "c6af9ac6-7b61-11e6-9a41-93e812345678";
        var context = (com.amazonaws.services.lambda.runtime.Context) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAwsRequestId" -> awsRequestId;
                    case "getRemainingTimeInMillis" -> 60_000;
                    default -> null;
                });

        new RedriveHandler(redrive).handleRequest(Map.of(), context);

        assertThat(receiver.received()).singleElement().satisfies(r -> {
            assertThat(r.header("traceparent")).matches("00-" + trace + "-[0-9a-f]{16}-01");
            assertThat(r.standard().verified()).isTrue();
        });
        assertThat(depth()).isZero();
        var validator = new dev.cva.contracts.ContractValidator();
        for (String l : logBytes.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode line = MAPPER.readTree(l);
            assertThat(validator.validate(dev.cva.contracts.Contract.LOG_LINE, line))
                    .as(l)
                    .isEmpty();
            assertThat(line.path("awsRequestId").asText()).as(l).isEqualTo(awsRequestId);
        }
    }
}
