package dev.cva.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.Threads;
import dev.cva.replay.AwsSqsPort;
import dev.cva.replay.Replayer;
import dev.cva.replay.SqsPort;
import dev.cva.replay.SqsTarget;
import dev.cva.replay.Target;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Issue 25, point 8: a replay target that throws an unchecked exception fails its batch (left in the DLQ, counted
 * as failed, so {@code replay-dlq} exits 3) instead of killing its worker and leaving the run waiting forever for
 * the messages that worker would have delivered. ElasticMQ is the SQS; the real {@link SqsTarget} delivers the
 * groups the throwing wrapper lets through. The wait for the run is bounded only so a regression fails instead
 * of hanging the build; the assertions are on what moved and what stayed.
 */
class ReplayTargetThrowsTest {
    private static final int GROUPS = 4;
    private static final int PER_GROUP = 12;

    SqsStack stack;
    SqsPort sqs;

    @BeforeEach
    void start() {
        stack = SqsStack.start();
        sqs = AwsSqsPort.forEmulator(stack.endpoint.toString(), SqsStack.REGION, "local", "local");
        for (int s = 0; s < PER_GROUP; s++) {
            for (int g = 0; g < GROUPS; g++) {
                stack.toDlq(
                        group(g),
                        "{\"eventType\":\"query\",\"id\":\"" + group(g) + "-" + s + "\",\"seq\":" + s + "}",
                        Map.of());
            }
        }
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    private static String group(int g) {
        return g == 0 ? "boom" : "g" + g;
    }

    /** Delivers through the real SqsTarget, except a batch holding a message of group "boom": that one throws. */
    private Target throwingFor(String badGroup, AtomicInteger thrown) {
        Target real = new SqsTarget(sqs, stack.queueUrl, SqsStack.QUEUE, true);
        return new Target() {
            @Override
            public List<Outcome> deliver(List<SqsPort.Message> batch) {
                if (batch.stream().anyMatch(m -> badGroup.equals(m.groupId()))) {
                    thrown.incrementAndGet();
                    throw new IllegalStateException("target bug");
                }
                return real.deliver(batch);
            }

            @Override
            public String describe() {
                return real.describe();
            }
        };
    }

    private Replayer.Result run(Target target, boolean stopAtFirstFailure) throws Exception {
        Replayer replayer = new Replayer(
                sqs,
                stack.dlqUrl,
                true,
                target,
                m -> true,
                null,
                null,
                null,
                2,
                2,
                Duration.ofSeconds(30),
                null,
                Clock.systemUTC(),
                stopAtFirstFailure);
        return Threads.supplyAsync(replayer::run).get(5, TimeUnit.MINUTES);
    }

    @Test
    void aThrowingTargetFailsItsBatchAndTheRunEnds() throws Exception {
        AtomicInteger thrown = new AtomicInteger();
        Replayer.Result r = run(throwingFor("boom", thrown), false);

        assertThat(thrown).hasPositiveValue();
        assertThat(r.aborted()).isNull();
        // Every message received was either moved or failed. (FIFO: once a batch of "boom" failed, the rest of that
        // group stays hidden behind it in the DLQ, so some of it may not even be received in this run.)
        assertThat(r.moved() + r.failed()).as(r.toString()).isEqualTo(r.selected());
        // g1 and g3 go to the other of the two workers (a group's worker is its hash mod 2), so no batch of theirs
        // can hold a "boom" message: they move whole.
        assertThat(r.moved()).as(r.toString()).isGreaterThanOrEqualTo(2L * PER_GROUP);
        assertThat(r.failed()).isPositive();
        assertThat(r.failures())
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f.kind()).isEqualTo("FAILED"));
        assertThat(r.failures())
                .anySatisfy(f -> assertThat(f.detail())
                        .isEqualTo("queue " + SqsStack.QUEUE + " threw IllegalStateException: target bug"));

        // Nothing lost, nothing twice: what failed is back in the DLQ, what moved is in the queue, in order.
        List<Message> left = stack.drain(stack.dlqUrl);
        List<Message> moved = stack.drain(stack.queueUrl);
        assertThat(moved).hasSize((int) r.moved());
        assertThat(left).hasSize(GROUPS * PER_GROUP - (int) r.moved());
        assertThat(left)
                .filteredOn(m -> "boom".equals(m.attributesAsStrings().get("MessageGroupId")))
                .hasSize(PER_GROUP);
        assertThat(moved)
                .extracting(m -> m.attributesAsStrings().get("MessageGroupId"))
                .doesNotContain("boom");
        Set<String> all = new HashSet<>();
        left.forEach(m -> all.add(m.body()));
        moved.forEach(m -> all.add(m.body()));
        assertThat(all).hasSize(GROUPS * PER_GROUP);
    }

    @Test
    void theScheduledRedriveStopsAtTheFirstThrowInsteadOfHanging() throws Exception {
        AtomicInteger thrown = new AtomicInteger();
        Replayer.Result r = run(throwingFor("boom", thrown), true);

        assertThat(thrown).hasPositiveValue();
        assertThat(r.aborted()).contains("threw IllegalStateException: target bug");
        assertThat(r.moved() + r.failed() + r.skipped()).isLessThanOrEqualTo(GROUPS * PER_GROUP);
        assertThat(r.failed()).isPositive();
        List<Message> left = stack.drain(stack.dlqUrl);
        List<Message> moved = stack.drain(stack.queueUrl);
        assertThat(moved).hasSize((int) r.moved());
        assertThat(left.size() + moved.size()).isEqualTo(GROUPS * PER_GROUP);
    }
}
