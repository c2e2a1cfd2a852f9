package dev.cva.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** cva replay-dlq against ElasticMQ in this JVM, through a local stack state file, run in-process as a user would. */
class ReplayDlqCommandTest {
    @TempDir
    Path project;

    SqsStack stack;

    @BeforeEach
    void start() throws Exception {
        stack = SqsStack.start(1);
        stack.writeState(project);
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    CliHarness cli() {
        return new CliHarness(project);
    }

    static String event(String type, String requestId, int seq) {
        return "{\"eventType\":\"" + type + "\",\"requestId\":\"" + requestId
                + "\",\"timestamp\":1764633600000,\"seq\":" + seq
                + (type.equals("query")
                        ? ",\"query\":\"Has she run Kubernetes?\""
                        : ",\"matchType\":\"full\",\"matchScore\":92")
                + ",\"metadata\":{\"userAgent\":\"" + (seq % 2 == 0 ? "even" : "odd") + "\"}}";
    }

    static JsonNode json(CliHarness.Result r) throws Exception {
        return CvaContext.json().readTree(r.out());
    }

    @Test
    void theOverviewListsBothDlqsWithDepthAgesAndTheirSourceQueue() throws Exception {
        stack.toDlq("r1", event("query", "r1", 0), Map.of());
        stack.toDlq("r2", event("response", "r2", 1), Map.of());
        stack.sqs.sendMessage(b -> b.queueUrl(stack.webhookDlqUrl).messageBody("{}"));
        CliHarness.Result r = cli().run("replay-dlq", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, JsonNode> byName = new HashMap<>();
        json(r).get("dlqs").forEach(d -> byName.put(d.get("name").asText(), d));
        assertThat(byName).containsOnlyKeys(SqsStack.DLQ, SqsStack.WEBHOOK_DLQ);
        JsonNode dlq = byName.get(SqsStack.DLQ);
        assertThat(dlq.get("alias").asText()).isEqualTo("processor");
        assertThat(dlq.get("visible").asLong()).isEqualTo(2);
        assertThat(dlq.get("fifo").asBoolean()).isTrue();
        assertThat(dlq.get("sources")).extracting(JsonNode::asText).containsExactly(SqsStack.QUEUE);
        assertThat(dlq.get("oldestAgeSeconds").asLong()).isBetween(0L, 60L);
        JsonNode webhook = byName.get(SqsStack.WEBHOOK_DLQ);
        assertThat(webhook.get("alias").asText()).isEqualTo("webhook");
        assertThat(webhook.get("visible").asLong()).isEqualTo(1);
        assertThat(webhook.get("sources")).isEmpty();
        // The overview received the messages to age them, and gave them back at once.
        assertThat(stack.depth(stack.dlqUrl)).isEqualTo(2);
        CliHarness.Result text = cli().run("replay-dlq");
        assertThat(text.out()).contains("DLQ", "SOURCE", SqsStack.DLQ, SqsStack.QUEUE, "processor");
    }

    @Test
    void thePreviewSaysWhatWouldMoveAndMovesNothing() throws Exception {
        for (int i = 0; i < 6; i++) {
            stack.toDlq("r" + i, event(i < 4 ? "query" : "response", "r" + i, i), Map.of());
        }
        CliHarness.Result r = cli().run("replay-dlq", "--queue", "processor", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode p = json(r).get("preview");
        assertThat(p.get("selected").asLong()).isEqualTo(6);
        assertThat(p.get("complete").asBoolean()).isTrue();
        assertThat(p.get("groupedBy").asText()).isEqualTo("eventType");
        assertThat(p.get("groups").get("query").asLong()).isEqualTo(4);
        assertThat(p.get("groups").get("response").asLong()).isEqualTo(2);
        assertThat(p.get("sample")).hasSize(3);
        assertThat(p.get("target").asText()).isEqualTo("queue " + SqsStack.QUEUE);
        CliHarness.Result matched = cli().run(
                        "replay-dlq",
                        "-q",
                        "processor",
                        "--match",
                        "$.eventType=response",
                        "--match",
                        "$.metadata.userAgent=even",
                        "--json");
        assertThat(json(matched).get("preview").get("selected").asLong()).isEqualTo(1); // r4 only
        CliHarness.Result none = cli().run("replay-dlq", "-q", "processor", "--match", "$.eventType=nope");
        assertEquals(4, none.exitCode(), none.toString());
        assertThat(none.err()).contains("nothing matched");
        CliHarness.Result text = cli().run("replay-dlq", "-q", SqsStack.DLQ);
        assertThat(text.out())
                .contains("would move 6 messages to queue " + SqsStack.QUEUE, "EVENTTYPE", "query", "sample:");
        assertThat(text.err()).contains("--execute");
        assertThat(stack.depth(stack.dlqUrl)).isEqualTo(6);
        assertThat(stack.depth(stack.queueUrl)).isZero();
    }

    @Test
    void executeMovesEveryMessageBackInOrderPerGroupWithItsAttributesAndArchivesThemFirst() throws Exception {
        int groups = 7, perGroup = 23;
        for (int s = 0; s < perGroup; s++) {
            for (int g = 0; g < groups; g++) {
                stack.toDlq("g" + g, event("query", "g" + g, s), Map.of("origin", "test-" + g));
            }
        }
        Path archive = project.resolve("audit/replay.jsonl");
        CliHarness.Result r = cli().run(
                        "replay-dlq",
                        "-q",
                        "processor",
                        "--execute",
                        "--yes",
                        "--json",
                        "--archive",
                        "audit/replay.jsonl",
                        "--workers",
                        "3");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode sum = json(r);
        assertThat(sum.get("moved").asLong()).isEqualTo(groups * perGroup);
        assertThat(sum.get("failed").asLong()).isZero();
        assertThat(stack.depth(stack.dlqUrl)).isZero();
        List<String> lines = Files.readAllLines(archive);
        assertThat(lines).hasSize(groups * perGroup);
        if (Files.getFileStore(project)
                .supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)))
                    .as("message bodies are readable by their owner only")
                    .isEqualTo("rw-------");
        }
        JsonNode first = CvaContext.json().readTree(lines.get(0));
        assertThat(first.get("body").asText()).contains("eventType");
        assertThat(first.get("messageGroupId").asText()).startsWith("g");
        assertThat(first.get("messageAttributes")
                        .get("origin")
                        .get("stringValue")
                        .asText())
                .startsWith("test-");
        assertThat(first.get("receiveCount").asInt()).isPositive();

        List<Message> back = stack.drain(stack.queueUrl);
        assertThat(back).hasSize(groups * perGroup);
        Map<String, List<Integer>> seqs = new HashMap<>();
        for (Message m : back) {
            String g = m.attributesAsStrings().get("MessageGroupId");
            seqs.computeIfAbsent(g, k -> new ArrayList<>())
                    .add(CvaContext.json().readTree(m.body()).get("seq").asInt());
            assertThat(m.messageAttributes().get("origin").stringValue()).isEqualTo("test-" + g.substring(1));
            assertThat(m.messageAttributes().get(ReplayService.REPLAY_COUNT).stringValue())
                    .isEqualTo("1");
            assertThat(m.attributesAsStrings().get("MessageDeduplicationId")).endsWith("-r1");
        }
        assertThat(seqs).hasSize(groups);
        List<Integer> expected =
                java.util.stream.IntStream.range(0, perGroup).boxed().toList();
        seqs.values().forEach(s -> assertThat(s).isEqualTo(expected));
        // An empty DLQ: nothing to do.
        CliHarness.Result again = cli().run("replay-dlq", "-q", "processor", "--execute", "--yes");
        assertEquals(4, again.exitCode(), again.toString());
    }

    @Test
    void filtersSelectByGroupAttributeBodyAgeAndCount() throws Exception {
        for (int i = 0; i < 10; i++) {
            stack.toDlq(
                    "r" + i,
                    event(i % 2 == 0 ? "query" : "response", "r" + i, i),
                    Map.of("reason", i < 5 ? "early" : "late"));
        }
        CliHarness.Result group =
                cli().run("replay-dlq", "-q", "processor", "--execute", "--yes", "--json", "--group", "r3");
        assertThat(json(group).get("moved").asLong()).isEqualTo(1);
        assertThat(json(group).get("skipped").asLong()).isEqualTo(9);
        CliHarness.Result attr = cli().run(
                        "replay-dlq",
                        "-q",
                        "processor",
                        "--execute",
                        "--yes",
                        "--json",
                        "--attribute",
                        "reason=late",
                        "--match",
                        "$.eventType=query");
        assertThat(json(attr).get("moved").asLong()).isEqualTo(2); // r6, r8
        CliHarness.Result future = cli().run("replay-dlq", "-q", "processor", "--execute", "--yes", "--until", "1h");
        assertEquals(4, future.exitCode(), future.toString()); // all were sent less than an hour ago
        CliHarness.Result max = cli().run(
                        "replay-dlq", "-q", "processor", "--execute", "--yes", "--json", "--since", "1h", "--max", "4");
        assertThat(json(max).get("moved").asLong()).isEqualTo(4);
        Set<String> moved = new HashSet<>();
        stack.drain(stack.queueUrl)
                .forEach(m -> moved.add(m.attributesAsStrings().get("MessageGroupId")));
        assertThat(moved).hasSize(7).contains("r3", "r6", "r8");
        assertThat(stack.depth(stack.dlqUrl)).isEqualTo(3);
    }

    @Test
    void prodUsesTheDefaultCredentialChainAndTheSdksOwnEndpointSetting() throws Exception {
        // What AWS_ENDPOINT_URL_SQS and AWS_ACCESS_KEY_ID do for a process, as the SDK's system properties
        // (a test cannot set environment variables): cva itself overrides nothing for --env prod.
        Map<String, String> props = Map.of(
                "aws.endpointUrlSqs",
                stack.endpoint.toString(),
                "aws.accessKeyId",
                "test",
                "aws.secretAccessKey",
                "test");
        props.forEach(System::setProperty);
        try {
            stack.toDlq("r1", event("query", "r1", 1), Map.of());
            Path noStack = Files.createDirectories(project.resolve("ci"));
            CliHarness.Result list = new CliHarness(noStack).run("replay-dlq", "--env", "prod", "--json");
            assertEquals(0, list.exitCode(), list.toString());
            assertThat(json(list).get("dlqs").findValuesAsText("alias")).contains("processor", "webhook");
            CliHarness.Result r = new CliHarness(noStack)
                    .run("replay-dlq", "--env", "prod", "-q", "processor", "--execute", "--yes", "--json");
            assertEquals(0, r.exitCode(), r.toString());
            assertThat(json(r).get("moved").asLong()).isEqualTo(1);
            assertThat(stack.drain(stack.queueUrl)).hasSize(1);
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void aTerminalGetsAProgressBarOnStderr() throws Exception {
        for (int i = 0; i < 20; i++) {
            stack.toDlq("r" + i, event("query", "r" + i, i), Map.of());
        }
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        CvaContext ctx = new CvaContext(
                new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true),
                new java.io.ByteArrayInputStream(new byte[0]),
                Map.of(),
                project,
                project,
                java.time.Clock.systemUTC(),
                true);
        int code = dev.cva.cli.Cva.run(ctx, "replay-dlq", "-q", "processor", "--execute", "--yes");
        assertEquals(0, code, err.toString());
        assertThat(err.toString()).contains("replay", "100%", "20/20");
        assertThat(out.toString()).contains("moved 20, skipped 0, failed 0");
    }

    @Test
    void rateCapsMessagesPerSecond() throws Exception {
        for (int i = 0; i < 12; i++) {
            stack.toDlq("r" + i, event("query", "r" + i, i), Map.of());
        }
        long start = System.nanoTime();
        CliHarness.Result r = cli().run("replay-dlq", "-q", "processor", "--execute", "--yes", "--json", "--rate", "4");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, r.exitCode(), r.toString());
        assertThat(json(r).get("moved").asLong()).isEqualTo(12);
        assertThat(seconds).as("12 messages at 4/s after a burst of 4").isGreaterThan(1.8);
    }

    @Test
    void badInputIsExplainedWithExit2() throws Exception {
        CliHarness.Result unknown = cli().run("replay-dlq", "-q", "no-such-queue");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertThat(unknown.err()).contains("no-such-queue", "no such queue");
        stack.sqs.createQueue(b -> b.queueName("orphan-dlq"));
        stack.sqs.sendMessage(b -> b.queueUrl(
                        stack.sqs.getQueueUrl(q -> q.queueName("orphan-dlq")).queueUrl())
                .messageBody("{}"));
        CliHarness.Result orphan = cli().run("replay-dlq", "-q", "orphan-dlq", "--execute", "--yes");
        assertEquals(2, orphan.exitCode(), orphan.toString());
        assertThat(orphan.err()).contains("no queue's dead-letter queue", "--to");
        CliHarness.Result orphanPreview = cli().run("replay-dlq", "-q", "orphan-dlq");
        assertEquals(0, orphanPreview.exitCode(), orphanPreview.toString());
        assertThat(orphanPreview.out()).contains("would move 1 message to nowhere yet");
        assertThat(orphanPreview.err()).contains("no queue's dead-letter queue", "--to");
        CliHarness.Result badPath = cli().run("replay-dlq", "-q", "processor", "--match", "$.[?(@.a==", "--json");
        assertEquals(2, badPath.exitCode(), badPath.toString());
        assertThat(badPath.err()).contains("--match");
        CliHarness.Result noEq = cli().run("replay-dlq", "-q", "processor", "--match", "$.eventType");
        assertEquals(2, noEq.exitCode(), noEq.toString());
        CliHarness.Result fifoToStandard =
                cli().run("replay-dlq", "-q", "processor", "--to", "orphan-dlq", "--execute", "--yes");
        assertEquals(2, fifoToStandard.exitCode(), fifoToStandard.toString());
        assertThat(fifoToStandard.err()).contains("FIFO", "standard");
        CliHarness.Result standardToFifo =
                cli().run("replay-dlq", "-q", "orphan-dlq", "--to", SqsStack.QUEUE, "--execute", "--yes");
        assertEquals(2, standardToFifo.exitCode(), standardToFifo.toString());
        assertThat(standardToFifo.err()).contains("MessageGroupId");
        CliHarness.Result unconfirmed = cli().run("replay-dlq", "-q", "processor", "--execute");
        assertEquals(2, unconfirmed.exitCode(), unconfirmed.toString());
        assertThat(unconfirmed.err()).contains("--yes");
        CliHarness.Result nativeFifo = cli().run("replay-dlq", "-q", "processor", "--native", "--execute", "--yes");
        assertEquals(2, nativeFifo.exitCode(), nativeFifo.toString());
        assertThat(nativeFifo.err()).contains("standard DLQ");
        Path elsewhere = Files.createDirectories(project.resolve("elsewhere"));
        CliHarness.Result noStack = new CliHarness(elsewhere).run("replay-dlq");
        assertEquals(1, noStack.exitCode(), noStack.toString());
        assertThat(noStack.err()).contains("cva local up");
    }

    @Test
    void nativeMoveTasksMoveAStandardDlqBackAndCanBeFollowed() throws Exception {
        String source = stack.sqs.createQueue(b -> b.queueName("orders")).queueUrl();
        String dlq = stack.sqs.createQueue(b -> b.queueName("orders-dlq")).queueUrl();
        String dlqArn = stack.sqs
                .getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        stack.sqs.setQueueAttributes(b -> b.queueUrl(source)
                .attributes(Map.of(
                        QueueAttributeName.REDRIVE_POLICY,
                        "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}")));
        for (int i = 0; i < 25; i++) {
            int n = i;
            stack.sqs.sendMessage(b -> b.queueUrl(dlq).messageBody("{\"n\":" + n + "}"));
        }
        CliHarness.Result preview = cli().run("replay-dlq", "-q", "orders-dlq", "--native");
        assertEquals(0, preview.exitCode(), preview.toString());
        assertThat(preview.out()).contains("would start a move task for 25 messages");
        CliHarness.Result r =
                cli().run("replay-dlq", "-q", "orders-dlq", "--native", "--execute", "--wait", "--yes", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertThat(json(r).get("task").get("status").asText()).isEqualTo("COMPLETED");
        assertThat(stack.drain(source)).hasSize(25);
        assertThat(stack.depth(dlq)).isZero();
        CliHarness.Result cancel = cli().run("replay-dlq", "-q", "orders-dlq", "--native", "--cancel");
        assertEquals(4, cancel.exitCode(), cancel.toString());
        assertThat(cancel.err()).contains("no move task is running");
        CliHarness.Result filtered = cli().run("replay-dlq", "-q", "orders-dlq", "--native", "--group", "x");
        assertEquals(2, filtered.exitCode(), filtered.toString());
    }

    @Test
    void poisonMessagesReplayedWithoutAFixComeBackAndThePreviewSaysSo() throws Exception {
        for (int i = 0; i < 3; i++) {
            stack.toDlq("p" + i, "{\"eventType\":\"response\",\"requestId\":\"p" + i + "\",\"broken\":true}", Map.of());
        }
        // A consumer that fails every message: receives and never deletes (visibility 1 s, maxReceiveCount 3).
        AtomicBoolean stop = new AtomicBoolean();
        Thread consumer = new Thread(() -> {
            while (!stop.get()) {
                stack.sqs.receiveMessage(
                        b -> b.queueUrl(stack.queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1));
            }
        });
        consumer.start();
        CliHarness.Result r;
        try {
            r = cli().run("replay-dlq", "-q", "processor", "--execute", "--yes", "--json", "--watch", "40s");
        } finally {
            stop.set(true);
            consumer.join();
        }
        assertEquals(3, r.exitCode(), r.toString());
        assertThat(json(r).get("moved").asLong()).isEqualTo(3);
        assertThat(json(r).get("cameBack").asLong()).isEqualTo(3);
        assertThat(r.err()).contains("3 of the 3 replayed messages came back to " + SqsStack.DLQ);
        assertThat(stack.depth(stack.dlqUrl)).isEqualTo(3);
        CliHarness.Result preview = cli().run("replay-dlq", "-q", "processor");
        assertEquals(0, preview.exitCode(), preview.toString());
        assertThat(preview.err())
                .contains("3 messages were already replayed and came back: fix the cause before replaying again");
        CliHarness.Result json = cli().run("replay-dlq", "-q", "processor", "--json");
        assertThat(json(json).get("preview").get("alreadyReplayed").asLong()).isEqualTo(3);
        // Replaying again counts on: a second replay gets a new deduplication id, so SQS does not drop it.
        CliHarness.Result again = cli().run("replay-dlq", "-q", "processor", "--execute", "--yes", "--json");
        assertThat(json(again).get("moved").asLong()).isEqualTo(3);
        List<Message> back = stack.drain(stack.queueUrl);
        assertThat(back).hasSize(3).allSatisfy(m -> {
            assertThat(m.messageAttributes().get(ReplayService.REPLAY_COUNT).stringValue())
                    .isEqualTo("2");
            assertThat(m.attributesAsStrings().get("MessageDeduplicationId")).endsWith("-r2");
        });
    }
}
