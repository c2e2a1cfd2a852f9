package dev.cva.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.replay.Replayer;
import dev.cva.replay.SqsFailure;
import dev.cva.replay.SqsPort;
import dev.cva.replay.SqsTarget;
import dev.cva.replay.Target;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replay capability: find the DLQs and their source queues, preview what a replay would select, and run it.
 * It works on an {@link SqsPort} and knows the environment only through the queue aliases it is given.
 */
public final class ReplayService {
    /** The message attribute cva sets on every message it replays: how often it was replayed. */
    public static final String REPLAY_COUNT = SqsPort.REPLAY_COUNT;

    static final int PREVIEW_SCAN_LIMIT = 10_000;
    static final int OVERVIEW_SCAN_LIMIT = 1_000;
    static final int SAMPLE_SIZE = 3;

    private final SqsPort sqs;
    private final Map<String, String> aliases;
    private final String webhookDlqName;
    private final String streamFailureDlqName;
    private final Clock clock;

    /**
     * @param aliases        {@code processor}/{@code webhook} to a queue URL or name
     * @param webhookDlqName the notifier's DLQ: replayed over HTTP to the receiver unless {@code --to} names a queue
     */
    public ReplayService(SqsPort sqs, Map<String, String> aliases, String webhookDlqName, Clock clock) {
        this(sqs, aliases, webhookDlqName, null, clock);
    }

    /** @param streamFailureDlqName the notifier stream mapping's on-failure destination: stream ranges, not messages */
    public ReplayService(
            SqsPort sqs, Map<String, String> aliases, String webhookDlqName, String streamFailureDlqName, Clock clock) {
        this.sqs = sqs;
        this.aliases = Map.copyOf(aliases);
        this.webhookDlqName = webhookDlqName;
        this.streamFailureDlqName = streamFailureDlqName;
        this.clock = clock;
    }

    // ---- queues ------------------------------------------------------------------------------------------------

    /** {@code processor}, {@code webhook}, a queue name or a queue URL; an unknown queue is a usage error. */
    public QueueRef resolve(String spec, String option) {
        String s = spec.strip();
        String aliased = aliases.get(s);
        String nameOrUrl = aliased != null ? aliased : s;
        try {
            String url = nameOrUrl.startsWith("http://") || nameOrUrl.startsWith("https://")
                    ? nameOrUrl
                    : sqs.queueUrl(nameOrUrl);
            return QueueRef.of(url, sqs.attributes(url));
        } catch (SqsFailure e) {
            if (e.notFound()) {
                throw CvaException.usage(
                        option + " " + spec + ": no such queue" + (aliased != null ? " (" + aliased + ")" : ""),
                        "'cva replay-dlq' lists the DLQs; a queue is processor, webhook, a queue name or a queue URL");
            }
            throw failure(e);
        }
    }

    public boolean isWebhookDlq(QueueRef q) {
        return q.name().equals(webhookDlqName);
    }

    public boolean isStreamFailureDlq(QueueRef q) {
        return q.name().equals(streamFailureDlqName);
    }

    /** The queues whose RedrivePolicy sends their failures to {@code dlq}. */
    public List<QueueRef> sourcesOf(QueueRef dlq) {
        return allQueues().stream()
                .filter(q -> dlq.arn() != null && dlq.arn().equals(q.deadLetterTargetArn()))
                .toList();
    }

    private List<QueueRef> allQueues() {
        try {
            List<QueueRef> all = new ArrayList<>();
            for (String url : sqs.listQueues()) {
                all.add(QueueRef.of(url, sqs.attributes(url)));
            }
            return all;
        } catch (SqsFailure e) {
            throw failure(e);
        }
    }

    // ---- overview ----------------------------------------------------------------------------------------------

    public record DlqSummary(
            String name,
            String alias,
            String url,
            boolean fifo,
            long visible,
            long inFlight,
            Long oldestAgeSeconds,
            Long newestAgeSeconds,
            long scanned,
            List<String> sources) {}

    /** The system's DLQs (the configured ones and every queue some RedrivePolicy names) with depth, ages and sources. */
    public List<DlqSummary> overview() {
        List<QueueRef> all = allQueues();
        Map<String, QueueRef> byArn = new LinkedHashMap<>();
        all.forEach(q -> byArn.put(q.arn(), q));
        Map<String, String> dlqs = new TreeMap<>(); // url -> alias
        aliases.forEach((alias, target) -> all.stream()
                .filter(q -> q.url().equals(target) || q.name().equals(target))
                .findFirst()
                .ifPresent(q -> dlqs.put(q.url(), alias)));
        all.stream()
                .map(QueueRef::deadLetterTargetArn)
                .filter(arn -> arn != null && byArn.containsKey(arn))
                .forEach(arn -> dlqs.putIfAbsent(byArn.get(arn).url(), null));
        List<DlqSummary> out = new ArrayList<>();
        for (QueueRef q : all) {
            if (!dlqs.containsKey(q.url())) {
                continue;
            }
            Scan scan = scan(q, OVERVIEW_SCAN_LIMIT, Filters.NONE);
            List<String> sources = all.stream()
                    .filter(s -> q.arn() != null && q.arn().equals(s.deadLetterTargetArn()))
                    .map(QueueRef::name)
                    .toList();
            out.add(new DlqSummary(
                    q.name(),
                    dlqs.get(q.url()),
                    q.url(),
                    q.fifo(),
                    q.visible(),
                    q.inFlight(),
                    scan.oldestAge(),
                    scan.newestAge(),
                    scan.scanned(),
                    sources));
        }
        return out;
    }

    // ---- preview -----------------------------------------------------------------------------------------------

    public record Sample(
            String messageId, String groupId, long ageSeconds, int receiveCount, int replayCount, String body) {}

    /** {@code batches}: for the stream mapping's on-failure queue, each skipped batch it records (else empty). */
    public record Preview(
            String queue,
            String url,
            boolean fifo,
            long visible,
            long inFlight,
            long scanned,
            boolean complete,
            long selected,
            Long oldestAgeSeconds,
            Long newestAgeSeconds,
            String groupedBy,
            Map<String, Long> groups,
            long alreadyReplayed,
            List<Sample> sample,
            String target,
            List<StreamBatch> batches) {}

    /** What a replay with these filters would move: received (and made visible again at once), never moved. */
    public Preview preview(QueueRef dlq, Filters filters, Long max, String target) {
        Scan scan = scan(dlq, PREVIEW_SCAN_LIMIT, filters);
        List<SqsPort.Message> chosen = max == null || scan.selected().size() <= max
                ? scan.selected()
                : scan.selected().subList(0, (int) (long) max);
        long now = clock.millis();
        if (isStreamFailureDlq(dlq)) {
            return streamPreview(dlq, scan, chosen, now, target);
        }
        boolean byReason = chosen.stream().anyMatch(m -> m.attributes().containsKey("reason"));
        Map<String, Long> groups = new TreeMap<>();
        for (SqsPort.Message m : chosen) {
            groups.merge(byReason ? reasonOf(m) : eventTypeOf(m), 1L, Long::sum);
        }
        List<Sample> sample = chosen.stream()
                .limit(SAMPLE_SIZE)
                .map(m -> new Sample(
                        m.messageId(),
                        m.groupId(),
                        ageSeconds(now, m),
                        m.receiveCount(),
                        m.replayCount(),
                        abbreviate(m.body(), 300)))
                .toList();
        long replayed = chosen.stream().filter(m -> m.replayCount() > 0).count();
        Ages ages = Ages.of(chosen, now);
        boolean complete = scan.scanned() >= dlq.depth() && scan.scanned() < PREVIEW_SCAN_LIMIT;
        return new Preview(
                dlq.name(),
                dlq.url(),
                dlq.fifo(),
                dlq.visible(),
                dlq.inFlight(),
                scan.scanned(),
                complete,
                chosen.size(),
                ages.oldest(),
                ages.newest(),
                byReason ? "reason" : "eventType",
                groups,
                replayed,
                sample,
                target,
                List.of());
    }

    /** The on-failure queue: each message a skipped batch (shard, sequence range, size, condition), grouped by condition. */
    private Preview streamPreview(QueueRef dlq, Scan scan, List<SqsPort.Message> chosen, long now, String target) {
        Map<String, Long> groups = new TreeMap<>();
        List<StreamBatch> batches = new ArrayList<>();
        List<Sample> unreadable = new ArrayList<>();
        for (SqsPort.Message m : chosen) {
            StreamBatch b = StreamBatch.of(m, ageSeconds(now, m));
            if (b == null) {
                groups.merge("(not an on-failure record)", 1L, Long::sum);
                unreadable.add(new Sample(
                        m.messageId(),
                        m.groupId(),
                        ageSeconds(now, m),
                        m.receiveCount(),
                        m.replayCount(),
                        abbreviate(m.body(), 300)));
            } else {
                groups.merge(b.condition(), 1L, Long::sum);
                batches.add(b);
            }
        }
        Ages ages = Ages.of(chosen, now);
        boolean complete = scan.scanned() >= dlq.depth() && scan.scanned() < PREVIEW_SCAN_LIMIT;
        return new Preview(
                dlq.name(),
                dlq.url(),
                dlq.fifo(),
                dlq.visible(),
                dlq.inFlight(),
                scan.scanned(),
                complete,
                chosen.size(),
                ages.oldest(),
                ages.newest(),
                "condition",
                groups,
                0,
                unreadable.stream().limit(SAMPLE_SIZE).toList(),
                target,
                batches);
    }

    private static String reasonOf(SqsPort.Message m) {
        SqsPort.Attr a = m.attributes().get("reason");
        return a == null || a.stringValue() == null ? "(no reason)" : a.stringValue();
    }

    private static String eventTypeOf(SqsPort.Message m) {
        try {
            JsonNode n = CvaContext.json().readTree(m.body());
            return n.hasNonNull("eventType") ? n.get("eventType").asText() : "(no eventType)";
        } catch (java.io.IOException | RuntimeException e) {
            return "(not JSON)";
        }
    }

    record Scan(long scanned, List<SqsPort.Message> selected, Long oldestAge, Long newestAge) {}

    private record Ages(Long oldest, Long newest) {
        static Ages of(List<SqsPort.Message> ms, long now) {
            Long oldest = null, newest = null;
            for (SqsPort.Message m : ms) {
                long age = ageSeconds(now, m);
                oldest = oldest == null ? age : Math.max(oldest, age);
                newest = newest == null ? age : Math.min(newest, age);
            }
            return new Ages(oldest, newest);
        }
    }

    /**
     * Receives up to {@code limit} messages, keeping them hidden while scanning so none is counted twice, then
     * makes them all visible again. In a FIFO queue a group's later messages stay behind its hidden first ones, so a
     * scan of long groups sees their first messages only.
     */
    private Scan scan(QueueRef q, int limit, Filters filters) {
        List<SqsPort.Message> all = new ArrayList<>();
        List<SqsPort.Message> selected = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        try {
            int empty = 0;
            while (all.size() < limit && empty < 2) {
                List<SqsPort.Message> batch = sqs.receive(q.url(), 10, 60, empty == 0 ? 0 : 1);
                if (batch.isEmpty()) {
                    empty++;
                    continue;
                }
                empty = 0;
                for (SqsPort.Message m : batch) {
                    if (ids.add(m.messageId())) {
                        all.add(m);
                        if (filters.test(m)) {
                            selected.add(m);
                        }
                    }
                }
            }
        } catch (SqsFailure e) {
            releaseQuietly(q, all);
            throw failure(e);
        }
        releaseQuietly(q, all);
        Ages ages = Ages.of(all, clock.millis());
        return new Scan(all.size(), selected, ages.oldest(), ages.newest());
    }

    private void releaseQuietly(QueueRef q, List<SqsPort.Message> ms) {
        try {
            sqs.release(q.url(), ms.stream().map(SqsPort.Message::receiptHandle).toList());
        } catch (SqsFailure ignored) {
            // visible again after 60 s anyway
        }
    }

    // ---- replay ------------------------------------------------------------------------------------------------

    /** The target queue of a replay: {@code --to}, else the one source queue of the DLQ's redrive policy. */
    public QueueRef targetQueue(QueueRef dlq, String to) {
        QueueRef target;
        if (to != null) {
            target = resolve(to, "--to");
        } else {
            List<QueueRef> sources = sourcesOf(dlq);
            if (sources.isEmpty()) {
                throw CvaException.usage(
                        dlq.name()
                                + " is no queue's dead-letter queue (no RedrivePolicy names it) and no --to was given",
                        "name the queue to replay into with --to <queue>");
            }
            if (sources.size() > 1) {
                throw CvaException.usage(
                        dlq.name() + " is the DLQ of " + sources.size() + " queues ("
                                + String.join(
                                        ", ",
                                        sources.stream().map(QueueRef::name).toList()) + ")",
                        "pick one with --to <queue>");
            }
            target = sources.get(0);
        }
        if (target.url().equals(dlq.url())) {
            throw CvaException.usage("--to names the DLQ itself (" + dlq.name() + ")", "replay into its source queue");
        }
        if (dlq.fifo() && !target.fifo()) {
            throw CvaException.usage(
                    "cannot replay the FIFO queue " + dlq.name() + " into the standard queue " + target.name()
                            + ": the order within each message group would be lost",
                    "replay into a FIFO queue");
        }
        if (!dlq.fifo() && target.fifo()) {
            throw CvaException.usage(
                    "cannot replay the standard queue " + dlq.name() + " into the FIFO queue " + target.name()
                            + ": its messages have no MessageGroupId",
                    "replay into a standard queue");
        }
        return target;
    }

    Target sqsTarget(QueueRef target) {
        return new SqsTarget(sqs, target.url(), target.name(), target.fifo());
    }

    /** Settings of one replay run. */
    public record RunOptions(
            Filters filters,
            Long max,
            java.nio.file.Path archive,
            Double rate,
            int workers,
            int receivers,
            Duration visibility) {}

    Replayer.Result run(QueueRef dlq, Target target, RunOptions o, java.util.function.LongConsumer progress) {
        try (Archive archive = o.archive() == null ? null : new Archive(o.archive())) {
            return new Replayer(
                            sqs,
                            dlq.url(),
                            dlq.fifo(),
                            target,
                            o.filters(),
                            o.max(),
                            archive,
                            o.rate(),
                            o.workers(),
                            o.receivers(),
                            o.visibility(),
                            progress,
                            clock)
                    .run();
        }
    }

    /**
     * After a replay: watches the DLQ for up to {@code duration} and answers how many messages replayed before
     * ({@code cva-replay-count} above 0) are back in it; stops early once {@code expected} came back.
     */
    public long watchCameBack(QueueRef dlq, Duration duration, long expected, java.util.function.LongConsumer onPoll) {
        long deadline = System.nanoTime() + duration.toNanos();
        long back = 0;
        while (true) {
            back = scan(dlq, PREVIEW_SCAN_LIMIT, Filters.NONE).selected().stream()
                    .filter(m -> m.replayCount() > 0)
                    .count();
            onPoll.accept(back);
            if (back >= expected || System.nanoTime() >= deadline) {
                return back;
            }
            try {
                Thread.sleep(Math.min(2_000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return back;
            }
        }
    }

    // ---- native move tasks -------------------------------------------------------------------------------------

    public record MoveStatus(String taskHandle, String status, long moved, Long toMove, String failureReason) {}

    /** StartMessageMoveTask from a standard DLQ: to {@code target}, or (null) to the sources of its redrive policy. */
    public MoveStatus startNative(QueueRef dlq, QueueRef target, Double rate) {
        if (dlq.fifo()) {
            throw CvaException.usage(
                    "--native needs a standard DLQ: " + dlq.name() + " is FIFO (and ElasticMQ moves "
                            + "nothing out of a FIFO DLQ)",
                    "drop --native: cva's own replay keeps the FIFO order");
        }
        Integer perSecond = rate == null ? null : (int) Math.max(1, Math.min(500, Math.round(rate)));
        try {
            String handle = sqs.startMove(dlq.arn(), target == null ? null : target.arn(), perSecond);
            return new MoveStatus(handle, "RUNNING", 0, dlq.visible(), null);
        } catch (SqsFailure e) {
            throw failure(e);
        }
    }

    /** The newest move task of the DLQ, or null. */
    public MoveStatus moveStatus(QueueRef dlq) {
        try {
            return sqs.moveTasks(dlq.arn()).stream()
                    .findFirst()
                    .map(t -> new MoveStatus(t.handle(), t.status(), t.moved(), t.toMove(), t.failureReason()))
                    .orElse(null);
        } catch (SqsFailure e) {
            throw failure(e);
        }
    }

    /** Cancels the running move task of the DLQ; nothing running is {@link ExitCode#NOTHING_TO_DO}. */
    public MoveStatus cancelNative(QueueRef dlq) {
        MoveStatus s = moveStatus(dlq);
        if (s == null || !"RUNNING".equals(s.status())) {
            throw new CvaException(ExitCode.NOTHING_TO_DO, "no move task is running on " + dlq.name(), null);
        }
        try {
            sqs.cancelMove(s.taskHandle());
        } catch (SqsFailure e) {
            throw failure(e);
        }
        return moveStatus(dlq);
    }

    /** Polls until the task is no longer RUNNING (or CANCELLING). */
    public MoveStatus waitNative(QueueRef dlq, Duration poll, java.util.function.Consumer<MoveStatus> onPoll) {
        while (true) {
            MoveStatus s = moveStatus(dlq);
            if (s != null) {
                onPoll.accept(s);
            }
            if (s == null || !(s.status().equals("RUNNING") || s.status().equals("CANCELLING"))) {
                return s;
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CvaException(
                        ExitCode.INTERRUPTED, "interrupted while waiting; the move task goes on", null, e);
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    static CvaException failure(SqsFailure e) {
        return new CvaException(
                ExitCode.FAILURE,
                e.getMessage(),
                e.unavailable()
                        ? "check the AWS credentials and the endpoint (AWS_ENDPOINT_URL_SQS); for --env local: 'cva local status'"
                        : null,
                e);
    }

    static long ageSeconds(long now, SqsPort.Message m) {
        return m.sentTimestamp() == 0 ? 0 : Math.max(0, (now - m.sentTimestamp()) / 1000);
    }

    static String abbreviate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
