package dev.cva.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.local.LocalSqs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Lambda's SQS mapping rules on a real ElasticMQ FIFO queue with a DLQ (maxReceiveCount 3). */
class SqsMappingTest {
    /** How long an invocation waits for its overlapping partner before giving up (a hang guard, never reached). */
    static final long OVERLAP_WAIT_SECONDS = 60;

    static final ObjectMapper JSON = new ObjectMapper();
    static LocalSqs local;
    static SqsClient sqs;

    @BeforeAll
    static void start() {
        local = LocalSqs.start();
        sqs = local.client();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        local.close();
    }

    /** A function whose answer to each batch is decided by the test; it records what it saw. */
    static final class Scripted implements Invoker {
        final Function<JsonNode, Result> answer;
        final int concurrency;
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        /** Counted down by each invocation, which then waits for it: the first {@code n} invocations overlap. */
        final CountDownLatch overlap;

        Scripted(int concurrency, Function<JsonNode, Result> answer) {
            this(concurrency, 0, answer);
        }

        /** {@code overlapping} > 0: the first that many invocations wait for each other, so they run at once. */
        Scripted(int concurrency, int overlapping, Function<JsonNode, Result> answer) {
            this.concurrency = concurrency;
            this.answer = answer;
            this.overlap = new CountDownLatch(overlapping);
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public int concurrency() {
            return concurrency;
        }

        @Override
        public Result invoke(String payload) {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            try {
                JsonNode event = JSON.readTree(payload);
                List<String> bodies = new ArrayList<>();
                event.path("Records").forEach(r -> bodies.add(r.path("body").asText()));
                batches.add(bodies);
                overlap.countDown();
                // a bound only so a mapping that never runs two at once fails instead of hanging: it then shows as
                // maxRunning 1
                overlap.await(OVERLAP_WAIT_SECONDS, TimeUnit.SECONDS);
                return answer.apply(event);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    static String[] queue(String name) {
        return LocalSqs.createFifoWithDlq(sqs, name + System.nanoTime(), 3, 1);
    }

    static void send(String url, String group, String... bodies) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id("m" + i)
                    .messageBody(bodies[i])
                    .messageGroupId(group)
                    .messageDeduplicationId(group + "-" + bodies[i])
                    .build());
        }
        for (int i = 0; i < entries.size(); i += 10) {
            List<SendMessageBatchRequestEntry> chunk = entries.subList(i, Math.min(i + 10, entries.size()));
            assertThat(sqs.sendMessageBatch(b -> b.queueUrl(url).entries(chunk)).failed())
                    .isEmpty();
        }
    }

    static long depth(String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Polls until the queue is empty; {@code millis} only stops a broken mapping from hanging the build. */
    static void awaitEmpty(String url, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (depth(url) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(depth(url)).as("messages left in the queue").isZero();
    }

    static Invoker.Result failing(JsonNode event, String bodyToFail) {
        StringBuilder failures = new StringBuilder();
        event.path("Records").forEach(r -> {
            if (r.path("body").asText().equals(bodyToFail)) {
                failures.append(failures.isEmpty() ? "" : ",")
                        .append("{\"itemIdentifier\":\"")
                        .append(r.path("messageId").asText())
                        .append("\"}");
            }
        });
        return new Invoker.Result(false, "{\"batchItemFailures\":[" + failures + "]}");
    }

    @Test
    void concurrentAcrossGroupsInOrderWithinEachGroup() throws Exception {
        String url = queue("order")[0];
        for (int g = 0; g < 8; g++) {
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                bodies.add("g" + g + "-" + String.format("%02d", i));
            }
            send(url, "g" + g, bodies.toArray(String[]::new));
        }
        // the first two invocations wait for each other: two pollers must be invoking at once to get past them
        Scripted f = new Scripted(4, 2, e -> new Invoker.Result(false, "{\"batchItemFailures\":[]}"));
        try (SqsMapping mapping = new SqsMapping(
                        sqs, url, "eu-west-2", f, new EventSource(10, 4, null, null, null, null, null, null), m -> {})
                .start()) {
            assertThat(mapping.pollers()).isEqualTo(4);
            awaitEmpty(url, 120_000);
        }
        assertThat(f.maxRunning.get()).as("invocations at once").isBetween(2, 4);
        assertThat(f.batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(10));
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        f.batches.forEach(b -> b.forEach(body -> seen.computeIfAbsent(body.substring(0, 2), k -> new ArrayList<>())
                .add(body)));
        assertThat(seen).hasSize(8);
        seen.values().forEach(group -> {
            List<String> sorted = new ArrayList<>(group);
            Collections.sort(sorted);
            assertThat(group).as("order within a group").isEqualTo(sorted).hasSize(25);
        });
    }

    @Test
    void onlyReportedMessagesStayAndReachTheDlqAfterThreeReceives() throws Exception {
        String[] q = queue("partial");
        send(q[0], "a", "ok-1", "bad", "ok-2");
        Scripted f = new Scripted(2, e -> failing(e, "bad"));
        try (SqsMapping mapping =
                new SqsMapping(sqs, q[0], "eu-west-2", f, EventSource.SQS_DEFAULTS, m -> {}).start()) {
            awaitEmpty(q[0], 120_000);
            assertThat(mapping.deleted()).isEqualTo(2);
            // one DeleteMessageBatch for the first batch's two good messages; nothing left to delete after
            assertThat(mapping.deleteCalls()).isEqualTo(1);
            assertThat(mapping.receiveCalls()).isGreaterThan(mapping.emptyReceives());
        }
        assertThat(f.batches.stream().flatMap(List::stream).filter("bad"::equals))
                .hasSize(3);
        assertThat(f.batches.stream().flatMap(List::stream).filter("ok-1"::equals))
                .hasSize(1);
        assertThat(depth(q[1])).as("in the DLQ").isEqualTo(1);
    }

    @Test
    void aFunctionErrorOrAnInvalidBatchResponseFailsTheWholeBatch() throws Exception {
        for (Invoker.Result answer : List.of(
                new Invoker.Result(true, "{\"errorMessage\":\"boom\"}"),
                new Invoker.Result(false, "not json"),
                new Invoker.Result(false, "{\"batchItemFailures\":[{\"itemIdentifier\":\"not-in-this-batch\"}]}"),
                new Invoker.Result(false, "{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}"))) {
            String[] q = queue("whole");
            send(q[0], "a", "one", "two");
            Scripted f = new Scripted(1, e -> answer);
            List<String> logged = new CopyOnWriteArrayList<>();
            try (SqsMapping mapping =
                    new SqsMapping(sqs, q[0], "eu-west-2", f, EventSource.SQS_DEFAULTS, logged::add).start()) {
                awaitEmpty(q[0], 120_000);
                assertThat(mapping.deleted()).as(answer.body()).isZero();
                assertThat(mapping.failedBatches()).isEqualTo(3);
            }
            assertThat(depth(q[1])).as(answer.body()).isEqualTo(2);
            assertThat(logged).isNotEmpty();
        }
    }

    @Test
    void batchResponsesAreReadAsLambdaReadsThem() {
        var batch = List.of(
                software.amazon.awssdk.services.sqs.model.Message.builder()
                        .messageId("a")
                        .build(),
                software.amazon.awssdk.services.sqs.model.Message.builder()
                        .messageId("b")
                        .build());
        assertThat(SqsMapping.failures("{\"batchItemFailures\":[{\"itemIdentifier\":\"b\"}]}", batch))
                .containsExactly("b");
        assertThat(SqsMapping.failures("{\"batchItemFailures\":[]}", batch)).isEmpty();
        assertThat(SqsMapping.failures("null", batch)).isEmpty();
        assertThat(SqsMapping.failures("{}", batch)).isEmpty();
        assertThat(SqsMapping.failures("{\"batchItemFailures\":[{\"itemIdentifier\":\"c\"}]}", batch))
                .isNull();
        assertThat(SqsMapping.failures("{\"batchItemFailures\":[{}]}", batch)).isNull();
        assertThat(SqsMapping.failures("{\"batchItemFailures\":\"b\"}", batch)).isNull();
        assertThat(SqsMapping.failures("[1]", batch)).isNull();
        assertThat(SqsMapping.failures("{oops", batch)).isNull();
    }
}
