package dev.cva.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Replayer's rules, over an in-memory queue behind our own {@link SqsPort} and targets written here: what moves
 * (delivered, then deleted), what stays (not selected, over --max, failed, held back, not attempted), how a target
 * that throws or answers wrongly is handled, the stop at the first failure, the archive before anything moves, and
 * the rate cap.
 */
class ReplayerTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

    /** A target answering each message by {@code answer}, recording every batch it was handed. */
    static final class Recording implements Target {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final Function<SqsPort.Message, Outcome> answer;

        Recording(Function<SqsPort.Message, Outcome> answer) {
            this.answer = answer;
        }

        @Override
        public List<Outcome> deliver(List<SqsPort.Message> batch) {
            batches.add(batch.stream().map(SqsPort.Message::messageId).toList());
            return batch.stream().map(answer).toList();
        }

        List<String> delivered() {
            synchronized (batches) {
                return batches.stream().flatMap(List::stream).toList();
            }
        }

        @Override
        public String describe() {
            return "recording target";
        }
    }

    static MemorySqs queue(int n) {
        MemorySqs sqs = new MemorySqs();
        IntStream.rangeClosed(1, n).forEach(i -> sqs.add("m-" + i, "{\"n\":" + i + "}", null));
        return sqs;
    }

    static Replayer replayer(
            MemorySqs sqs,
            boolean fifo,
            Target target,
            Predicate<SqsPort.Message> filter,
            Long max,
            Replayer.Archive archive,
            Double rate,
            int workers,
            boolean stopAtFirstFailure,
            AtomicLong progress) {
        return new Replayer(
                sqs,
                MemorySqs.URL,
                fifo,
                target,
                filter,
                max,
                archive,
                rate,
                workers,
                1,
                Duration.ofSeconds(30),
                progress == null ? null : progress::addAndGet,
                CLOCK,
                stopAtFirstFailure);
    }

    @Test
    void deliveredMessagesAreDeletedAndFailedOnesStayVisibleWithTheirReasons() {
        MemorySqs sqs = queue(25);
        Set<String> refused = Set.of("m-3", "m-11", "m-20");
        Recording target = new Recording(m -> refused.contains(m.messageId())
                ? new Target.Outcome(Target.Kind.FAILED, "HTTP 503")
                : Target.Outcome.DELIVERED);
        AtomicLong progress = new AtomicLong();

        Replayer.Result r = replayer(sqs, false, target, m -> true, null, null, null, 3, false, progress)
                .run();

        assertThat(r.received()).isEqualTo(25);
        assertThat(r.selected()).isEqualTo(25);
        assertThat(r.moved()).isEqualTo(22);
        assertThat(r.failed()).isEqualTo(3);
        assertThat(r.permanent() + r.skipped() + r.notDeleted()).isZero();
        assertThat(r.aborted()).isNull();
        assertThat(r.failures()).extracting(Replayer.Failure::messageId).containsExactlyInAnyOrderElementsOf(refused);
        assertThat(r.failures())
                .allSatisfy(f -> assertThat(f)
                        .extracting(Replayer.Failure::kind, Replayer.Failure::detail)
                        .containsExactly("FAILED", "HTTP 503"));
        // each message was handed over once; the failed ones are in the DLQ again, receivable now
        assertThat(target.delivered()).hasSize(25).doesNotHaveDuplicates();
        assertThat(target.batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 10));
        assertThat(sqs.ids()).containsExactlyInAnyOrderElementsOf(refused);
        assertThat(sqs.visibleIds()).containsExactlyInAnyOrderElementsOf(refused);
        assertThat(progress.get()).as("progress counts every message handled").isEqualTo(25);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against the hang this test is about, not a figure
    void aRunEndsWhenOnlyMessagesItHandledComeBackAfterTheirVisibilityTimeout() {
        // The hang found on a busy machine (ReplayDlqFaultTest, 2 s visibility): failed messages stay in the DLQ and
        // come back each time their visibility runs out, so the queue never looks empty. The run must still end, with
        // each message handed to the target once.
        MemorySqs sqs = queue(40);
        sqs.visibilityRunsOut = true;
        Set<String> refused = Set.of("m-1", "m-7", "m-19", "m-33");
        Recording target = new Recording(m -> refused.contains(m.messageId())
                ? new Target.Outcome(Target.Kind.FAILED, "HTTP 503")
                : Target.Outcome.DELIVERED);

        Replayer.Result r = replayer(sqs, false, target, m -> true, null, null, null, 3, false, null)
                .run();

        assertThat(r.moved()).isEqualTo(36);
        assertThat(r.failed()).isEqualTo(4);
        assertThat(target.delivered())
                .as("each message handed over once")
                .hasSize(40)
                .doesNotHaveDuplicates();
        assertThat(sqs.ids()).containsExactlyInAnyOrderElementsOf(refused);
        assertThat(sqs.visibleIds())
                .as("what stays is visible again at the end")
                .containsExactlyInAnyOrderElementsOf(refused);
    }

    @Test
    void permanentFailuresAreCountedApartFromTransientOnes() {
        MemorySqs sqs = queue(6);
        Recording target = new Recording(m -> switch (m.messageId()) {
            case "m-2", "m-4" -> new Target.Outcome(Target.Kind.PERMANENT, "receiver answered 400");
            case "m-5" -> new Target.Outcome(Target.Kind.FAILED, "timeout");
            default -> Target.Outcome.DELIVERED;
        });

        Replayer.Result r = replayer(sqs, false, target, m -> true, null, null, null, 1, false, null)
                .run();

        assertThat(r.moved()).isEqualTo(3);
        assertThat(r.permanent()).isEqualTo(2);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.failures())
                .extracting(Replayer.Failure::messageId, Replayer.Failure::kind)
                .containsExactlyInAnyOrder(
                        tuple("m-2", "PERMANENT"), tuple("m-4", "PERMANENT"), tuple("m-5", "FAILED"));
        assertThat(sqs.visibleIds()).containsExactly("m-2", "m-4", "m-5");
    }

    @Test
    void messagesTheFilterDoesNotSelectOrPastMaxStayInTheDlqUntouched() {
        MemorySqs sqs = queue(30);
        Recording target = new Recording(m -> Target.Outcome.DELIVERED);
        Predicate<SqsPort.Message> even = m -> Integer.parseInt(m.messageId().substring(2)) % 2 == 0;

        Replayer.Result r = replayer(sqs, false, target, even, 5L, null, null, 2, false, null)
                .run();

        assertThat(r.selected()).isEqualTo(5);
        assertThat(r.moved()).isEqualTo(5);
        assertThat(r.skipped()).as("received but not selected, or over --max").isEqualTo(r.received() - 5);
        assertThat(target.delivered())
                .hasSize(5)
                .allSatisfy(
                        id -> assertThat(Integer.parseInt(id.substring(2)) % 2).isZero());
        assertThat(sqs.ids()).hasSize(25).doesNotContainAnyElementsOf(target.delivered());
        assertThat(sqs.visibleIds())
                .as("what was kept hidden during the run is visible again")
                .isEqualTo(sqs.ids());
    }

    @Test
    void aTargetThatThrowsFailsItsWholeBatchAndNothingOfItIsDeleted() {
        MemorySqs sqs = queue(12);
        Target throwing = new Target() {
            @Override
            public List<Outcome> deliver(List<SqsPort.Message> batch) {
                throw new IllegalStateException("boom");
            }

            @Override
            public String describe() {
                return "queue broken";
            }
        };

        Replayer.Result r = replayer(sqs, false, throwing, m -> true, null, null, null, 2, false, null)
                .run();

        assertThat(r.moved()).isZero();
        assertThat(r.failed()).isEqualTo(12);
        assertThat(r.aborted()).isNull();
        assertThat(r.failures())
                .allSatisfy(f -> assertThat(f.detail()).isEqualTo("queue broken threw IllegalStateException: boom"));
        assertThat(sqs.visibleIds()).hasSize(12);
    }

    @Test
    void aTargetThatAnswersTooFewOutcomesFailsItsBatchInsteadOfDeletingBlindly() {
        MemorySqs sqs = queue(4);
        Target shortAnswer = new Target() {
            @Override
            public List<Outcome> deliver(List<SqsPort.Message> batch) {
                return List.of();
            }

            @Override
            public String describe() {
                return "queue short";
            }
        };

        Replayer.Result r = replayer(sqs, false, shortAnswer, m -> true, null, null, null, 1, false, null)
                .run();

        assertThat(r.moved()).isZero();
        assertThat(r.failed()).isEqualTo(4);
        assertThat(r.failures())
                .extracting(Replayer.Failure::detail)
                .allSatisfy(d -> assertThat(d)
                        .matches("queue short threw IllegalStateException: answered 0 outcomes for \\d+ messages"));
        assertThat(sqs.visibleIds()).hasSize(4);
    }

    @Test
    void inFifoOrderTheLaterMessagesOfAFailedGroupAreHeldBackAndStay() throws Exception {
        MemorySqs sqs = new MemorySqs();
        IntStream.rangeClosed(1, 12).forEach(i -> sqs.add("a-" + i, "{}", "A"));
        IntStream.rangeClosed(1, 3).forEach(i -> sqs.add("b-" + i, "{}", "B"));
        sqs.perReceive = 1; // one message per receive: the worker's first batch holds a-1 and at most 9 more
        sqs.received = new CountDownLatch(15);
        CountDownLatch allReceived = sqs.received;
        List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
        Target failsGroupA = new Target() {
            @Override
            public List<Outcome> deliver(List<SqsPort.Message> batch) {
                if (calls.isEmpty()) {
                    await(allReceived); // everything else waits in the worker's queue behind this first batch
                }
                calls.add(batch.stream().map(SqsPort.Message::messageId).toList());
                return batch.stream()
                        .map(m -> "A".equals(m.groupId()) ? new Outcome(Kind.FAILED, "HTTP 500") : Outcome.DELIVERED)
                        .toList();
            }

            @Override
            public String describe() {
                return "queue q.fifo";
            }
        };

        Replayer.Result r = replayer(sqs, true, failsGroupA, m -> true, null, null, null, 1, false, null)
                .run();

        List<String> first = calls.get(0);
        assertThat(first).startsWith("a-1").hasSizeLessThanOrEqualTo(10);
        long aInFirst = first.stream().filter(id -> id.startsWith("a-")).count();
        // after the first batch failed group A, no message of A reached the target again
        assertThat(calls.subList(1, calls.size())).allSatisfy(c -> assertThat(c).allMatch(id -> id.startsWith("b-")));
        assertThat(r.failures())
                .filteredOn(f -> f.detail().startsWith("held back"))
                .hasSize((int) (12 - aInFirst))
                .allSatisfy(f -> assertThat(f.groupId()).isEqualTo("A"));
        assertThat(r.failed()).isEqualTo(12);
        assertThat(r.moved()).isEqualTo(3);
        assertThat(sqs.visibleIds())
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, 12).mapToObj(i -> "a-" + i).toList());
    }

    @Test
    void stopAtFirstFailureEndsTheRunAndLeavesWhatWasNotAttemptedInTheDlq() {
        MemorySqs sqs = queue(40);
        sqs.perReceive = 1;
        Recording target = new Recording(m -> m.messageId().equals("m-1")
                ? new Target.Outcome(Target.Kind.FAILED, "connection refused")
                : Target.Outcome.DELIVERED);

        Replayer.Result r = replayer(sqs, false, target, m -> true, null, null, null, 1, true, null)
                .run();

        assertThat(r.aborted()).isEqualTo("recording target failing: connection refused");
        assertThat(r.moved()).as("some may have moved in m-1's batch").isLessThan(40);
        assertThat(sqs.ids()).hasSize((int) (40 - r.moved())).contains("m-1");
        assertThat(sqs.visibleIds()).isEqualTo(sqs.ids());
        assertThat(r.failures())
                .filteredOn(f -> f.detail().startsWith("not attempted: recording target failing"))
                .allSatisfy(f -> assertThat(target.delivered()).doesNotContain(f.messageId()));
    }

    @Test
    void theArchiveSeesEachChosenBatchBeforeItMovesAndAFailingArchiveMovesNothing() {
        MemorySqs sqs = queue(15);
        Set<String> archived = Collections.synchronizedSet(new java.util.HashSet<>());
        List<Long> stamps = Collections.synchronizedList(new ArrayList<>());
        List<String> notArchivedFirst = Collections.synchronizedList(new ArrayList<>());
        Recording target = new Recording(m -> {
            if (!archived.contains(m.messageId())) {
                notArchivedFirst.add(m.messageId()); // asserted below: an assertion here would end a worker thread
            }
            return Target.Outcome.DELIVERED;
        });
        Replayer.Archive archive = (url, messages, at) -> {
            assertThat(url).isEqualTo(MemorySqs.URL);
            messages.forEach(m -> archived.add(m.messageId()));
            stamps.add(at);
        };

        Replayer.Result r = replayer(sqs, false, target, m -> true, null, archive, null, 2, false, null)
                .run();
        assertThat(r.moved()).isEqualTo(15);
        assertThat(r.failures()).isEmpty();
        assertThat(archived).hasSize(15);
        assertThat(notArchivedFirst).as("delivered before it was archived").isEmpty();
        assertThat(stamps).containsOnly(CLOCK.millis());

        MemorySqs second = queue(15);
        Recording untouched = new Recording(m -> Target.Outcome.DELIVERED);
        Replayer.Result refused = replayer(
                        second,
                        false,
                        untouched,
                        m -> true,
                        null,
                        (url, messages, at) -> {
                            throw new IllegalStateException("disk full");
                        },
                        null,
                        2,
                        false,
                        null)
                .run();
        assertThat(refused.aborted()).isEqualTo("disk full");
        assertThat(refused.moved()).isZero();
        assertThat(untouched.batches).isEmpty();
        assertThat(second.visibleIds()).hasSize(15);
    }

    @Test
    void anSqsErrorWhileReceivingEndsTheRunWithTheError() {
        MemorySqs sqs = queue(5);
        sqs.receiveFailure = new SqsFailure("ReceiveMessage memory://dlq: connection refused", false, true, null);
        Recording target = new Recording(m -> Target.Outcome.DELIVERED);

        Replayer.Result r = replayer(sqs, false, target, m -> true, null, null, null, 2, false, null)
                .run();

        assertThat(r.aborted()).isEqualTo("ReceiveMessage memory://dlq: connection refused");
        assertThat(r.received()).isZero();
        assertThat(target.batches).isEmpty();
        assertThat(sqs.ids()).hasSize(5);
    }

    @Test
    void aDeliveredMessageThatCannotBeDeletedIsReportedNotCountedAsMoved() {
        MemorySqs sqs = queue(8);
        sqs.deleteRefused = id -> id.equals("m-6");
        Recording target = new Recording(m -> Target.Outcome.DELIVERED);

        Replayer.Result r = replayer(sqs, false, target, m -> true, null, null, null, 1, false, null)
                .run();

        assertThat(r.moved()).isEqualTo(7);
        assertThat(r.notDeleted()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.messageId()).isEqualTo("m-6");
            assertThat(f.kind()).isEqualTo("NOT_DELETED");
            assertThat(f.detail()).startsWith("delivered but still in the DLQ: ReceiptHandleIsInvalid");
        });
    }

    @Test
    void aRunWithNoTimeLeftReceivesAndMovesNothing() {
        MemorySqs sqs = queue(5);
        Recording target = new Recording(m -> Target.Outcome.DELIVERED);

        Replayer.Result r = replayer(sqs, false, target, m -> true, null, null, null, 2, false, null)
                .receiveFor(Duration.ZERO)
                .run();

        assertThat(r.received()).isZero();
        assertThat(r.moved()).isZero();
        assertThat(target.batches).isEmpty();
        assertThat(sqs.visibleIds()).hasSize(5);
    }

    @Test
    void theRateCapPacesDeliveriesAfterTheFirstBurst() {
        // 20 per second with a burst of 10: the other 40 of 50 need at least 2 s. A lower bound only: a busy
        // machine makes the run slower, never faster.
        MemorySqs sqs = queue(50);
        Recording target = new Recording(m -> Target.Outcome.DELIVERED);
        long start = System.nanoTime();

        Replayer.Result r = replayer(sqs, false, target, m -> true, null, null, 20.0, 4, false, null)
                .run();

        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(r.moved()).isEqualTo(50);
        assertThat(elapsedMs).as("50 messages at 20/s after a burst of 10").isGreaterThanOrEqualTo(1_900);
        assertThat(r.seconds()).isGreaterThanOrEqualTo(1.9);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
