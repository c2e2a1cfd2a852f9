package dev.cva.cli.replay;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.audit.AuditEntry;
import dev.cva.cli.audit.AuditTrail;
import dev.cva.cli.audit.Audits;
import dev.cva.cli.env.Confirmation;
import dev.cva.replay.Replayer;
import dev.cva.replay.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva replay-dlq}: list the DLQs, preview a replay, and with --execute move the messages back. */
@Command(
        name = "replay-dlq",
        sortOptions = false,
        description = {
            "Replay messages from a dead-letter queue: the processor's FIFO DLQ, the notifier's webhook DLQ, or any SQS queue.",
            "stream-failures (the notifier stream mapping's on-failure queue) is re-run: each skipped range is re-read from the stream (24 h) and sent to the notifier's live alias.",
            "Without --queue: the DLQs with depth, message ages and source queues. With --queue: a preview of what would move.",
            "Nothing moves without --execute. A message leaves the DLQ only after it was delivered; FIFO order is kept per group.",
            "The webhook DLQ is re-sent to the receiver, signed with the current secret (2xx deletes; other 4xx are permanent).",
            "Exit: 0 done, 2 bad input, 3 some failed, 4 nothing matched."
        })
public final class ReplayDlqCommand implements Callable<Integer> {
    @Option(
            names = {"-q", "--queue"},
            paramLabel = "QUEUE",
            description = "processor, webhook, stream-failures, a queue name or a queue URL.")
    String queue;

    @Option(names = "--execute", description = "Move the messages (asks first on a terminal; --yes in CI).")
    boolean execute;

    @Option(
            names = "--to",
            paramLabel = "QUEUE",
            description = "Replay into this queue (default: the source queue of the redrive policy).")
    String to;

    @Option(
            names = "--since",
            paramLabel = "AGE|INSTANT",
            converter = TimeConverter.class,
            description = "Only messages sent since then (e.g. 2h, 3d, 2026-12-01T08:00:00Z).")
    TimeConverter.Time since;

    @Option(
            names = "--until",
            paramLabel = "AGE|INSTANT",
            converter = TimeConverter.class,
            description = "Only messages sent until then.")
    TimeConverter.Time until;

    @Option(
            names = "--match",
            paramLabel = "JSONPATH=VALUE",
            description = "Only messages whose JSON body has this value at this JSONPath (repeatable).")
    List<String> match = new ArrayList<>();

    @Option(
            names = "--attribute",
            paramLabel = "NAME=VALUE",
            description = "Only messages with this message attribute (repeatable).")
    List<String> attribute = new ArrayList<>();

    @Option(names = "--group", paramLabel = "ID", description = "Only messages of this MessageGroupId.")
    String group;

    @Option(names = "--max", paramLabel = "N", description = "Move at most N messages.")
    Long max;

    @Option(names = "--rate", paramLabel = "MSG/S", description = "At most this many messages per second.")
    Double rate;

    @Option(
            names = "--archive",
            paramLabel = "FILE.jsonl",
            description = "Append every selected message to this file before it moves.")
    Path archive;

    @Option(
            names = "--workers",
            paramLabel = "N",
            defaultValue = "8",
            description = "Concurrent senders; a message group always uses the same one (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--visibility",
            paramLabel = "DURATION",
            defaultValue = "2m",
            converter = dev.cva.cli.options.DurationConverter.class,
            description =
                    "How long received messages stay hidden from other consumers during the run (default: ${DEFAULT-VALUE}).")
    Duration visibility;

    @Option(
            names = "--watch",
            paramLabel = "DURATION",
            converter = dev.cva.cli.options.DurationConverter.class,
            description =
                    "After --execute: watch the DLQ this long and report replayed messages that came back (exit 3 if any).")
    Duration watch;

    @Option(names = "--native", description = "Use SQS's StartMessageMoveTask (standard DLQ, no filters).")
    boolean nativeMove;

    @Option(names = "--wait", description = "With --native: follow the move task until it ends.")
    boolean await;

    @Option(names = "--cancel", description = "With --native: cancel the running move task.")
    boolean cancel;

    private final CvaContext ctx;

    ReplayDlqCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    /** What the audit line of an executed run says moved (README, "Audit trail"); set by the paths that move. */
    private String auditBefore;

    private String auditAfter;

    @Override
    public Integer call() {
        Filters filters = filters();
        if (!execute && !cancel) {
            return replay(filters);
        }
        // Every run that may move messages writes one audit line, failures included (bad usage reaches nothing).
        AuditTrail trail = Audits.open(ctx, Audits.Cloud.AWS);
        AuditEntry entry = trail.entry(cancel ? "replay-dlq --cancel" : "replay-dlq", queue);
        try {
            int code = replay(filters);
            AuditEntry.Outcome outcome = code == 0
                    ? AuditEntry.Outcome.ok
                    : code == ExitCode.NOTHING_TO_DO.code()
                            ? AuditEntry.Outcome.no_change
                            : code == ExitCode.PARTIAL.code() ? AuditEntry.Outcome.partial : AuditEntry.Outcome.failed;
            trail.record(entry.change(auditBefore, auditAfter), outcome, "exit " + code);
            return code;
        } catch (CvaException e) {
            if (e.exitCode() != ExitCode.USAGE) {
                trail.record(entry.change(auditBefore, auditAfter), AuditEntry.Outcome.failed, e.getMessage());
            }
            throw e;
        }
    }

    private int replay(Filters filters) {
        ReplayView view = new ReplayView(ctx);
        try (ReplayEnvironment env = ReplayEnvironment.open(ctx)) {
            ReplayService svc = env.service();
            if (queue == null) {
                if (execute || to != null || filters.any() || nativeMove) {
                    throw CvaException.usage(
                            "--execute, --to, filters and --native need --queue", "e.g. --queue processor");
                }
                return view.overview(svc.overview());
            }
            QueueRef dlq = svc.resolve(queue, "--queue");
            if (svc.isStreamFailureDlq(dlq)) {
                return streamFailures(env, svc, dlq, filters, view);
            }
            if (nativeMove || await || cancel) {
                return nativeMove(svc, dlq, filters, view);
            }
            Target target;
            try {
                target = to == null && svc.isWebhookDlq(dlq)
                        ? env.webhookTarget()
                        : svc.sqsTarget(svc.targetQueue(dlq, to));
            } catch (CvaException e) {
                if (execute || e.exitCode() != ExitCode.USAGE) {
                    throw e;
                }
                // A preview still shows what is there, and says why it could not move yet.
                ctx.warn(e.getMessage() + (e.hint() == null ? "" : " (" + e.hint() + ")"));
                return view.preview(svc.preview(dlq, filters, max, "nowhere yet (see the warning)"), archive);
            }
            if (!execute) {
                return view.preview(svc.preview(dlq, filters, max, target.describe()), archive);
            }
            auditBefore = dlq.name() + ": " + dlq.depth() + " messages";
            if (!Confirmation.preapproved(ctx)) {
                requireTerminal();
                view.preview(svc.preview(dlq, filters, max, target.describe()), archive);
                if (!Confirmation.ask(
                        ctx,
                        "replay these messages from " + dlq.name() + " to " + target.describe() + " in "
                                + Confirmation.where(ctx) + "?")) {
                    ctx.info("nothing moved");
                    return ExitCode.NOTHING_TO_DO.code();
                }
            }
            long total = max != null ? Math.min(max, dlq.depth()) : dlq.depth();
            try (ReplayView.Progress progress = view.progress(total)) {
                Replayer.Result r = svc.run(
                        dlq,
                        target,
                        new ReplayService.RunOptions(
                                filters,
                                max,
                                archive == null ? null : ctx.cwd().resolve(archive),
                                rate,
                                workers,
                                workers,
                                visibility),
                        progress::step);
                Long cameBack = null;
                if (watch != null && r.moved() > 0) {
                    progress.close();
                    cameBack = svc.watchCameBack(
                            dlq,
                            watch,
                            r.moved(),
                            n -> ctx.info("watching " + dlq.name() + ": " + n + " of the " + r.moved()
                                    + " replayed messages are back"));
                }
                auditAfter = "moved " + r.moved() + " to " + target.describe() + ", failed " + r.failed()
                        + (r.aborted() == null ? "" : ", stopped: " + r.aborted());
                return view.result(dlq, target.describe(), r, cameBack);
            }
        }
    }

    /**
     * The stream mapping's on-failure queue holds stream ranges, not messages: a replay re-reads each range from the
     * stream and invokes the notifier's live alias with it; the record leaves the queue once the notifier handled it.
     */
    private int streamFailures(
            ReplayEnvironment env, ReplayService svc, QueueRef dlq, Filters filters, ReplayView view) {
        if (to != null || nativeMove || await || cancel) {
            throw CvaException.usage(
                    dlq.name() + " records skipped stream batches (shard and sequence range), not messages: "
                            + "they are re-run through the notifier, not moved to a queue",
                    "drop --to and --native");
        }
        String target = "the notifier's live alias, each range re-read from the stream (it keeps records 24 h)";
        if (!execute) {
            return view.preview(svc.preview(dlq, filters, max, target), archive);
        }
        if (filters.any() || archive != null) {
            throw CvaException.usage(
                    "--execute on " + dlq.name() + " takes no filters and no --archive (only --max)",
                    "preview with filters first, then run with --max");
        }
        if (!Confirmation.preapproved(ctx)) {
            requireTerminal();
            view.preview(svc.preview(dlq, filters, max, target), null);
            if (!Confirmation.ask(
                    ctx, "re-run these stream batches through the notifier in " + Confirmation.where(ctx) + "?")) {
                ctx.info("nothing moved");
                return ExitCode.NOTHING_TO_DO.code();
            }
        }
        auditBefore = dlq.name() + ": " + dlq.depth() + " skipped stream batches";
        StreamBatchReplay.Result r = env.streamReplay().run(dlq, max, visibility);
        auditAfter =
                "re-ran " + r.replayed() + " through the notifier, failed " + r.failed() + ", expired " + r.expired();
        return view.streamResult(dlq, r);
    }

    private int nativeMove(ReplayService svc, QueueRef dlq, Filters filters, ReplayView view) {
        if (!nativeMove) {
            throw CvaException.usage("--wait and --cancel go with --native", null);
        }
        if (cancel) {
            ReplayService.MoveStatus cancelled = svc.cancelNative(dlq);
            auditAfter = "move task " + cancelled.status() + " after " + cancelled.moved() + " moved";
            return view.move(cancelled, "cancelled");
        }
        if (filters.any() || max != null || archive != null) {
            throw CvaException.usage(
                    "--native moves the whole DLQ: it takes no filters, --max or --archive",
                    "drop --native to replay with filters");
        }
        if (!execute) {
            ReplayService.MoveStatus last = svc.moveStatus(dlq);
            return view.nativePreview(
                    dlq,
                    to == null ? "its source queues" : svc.resolve(to, "--to").name(),
                    last);
        }
        // The destination is always named when it is known: SQS would find it itself, ElasticMQ only when the
        // redrive policy was set as the source queue was created.
        List<QueueRef> sources = to == null ? svc.sourcesOf(dlq) : List.of();
        QueueRef target = to != null ? svc.targetQueue(dlq, to) : sources.size() == 1 ? sources.get(0) : null;
        if (!Confirmation.preapproved(ctx)) {
            requireTerminal();
            if (!Confirmation.ask(
                    ctx, "start a move task for " + dlq.name() + " in " + Confirmation.where(ctx) + "?")) {
                ctx.info("nothing moved");
                return ExitCode.NOTHING_TO_DO.code();
            }
        }
        auditBefore = dlq.name() + ": " + dlq.depth() + " messages";
        ReplayService.MoveStatus started = svc.startNative(dlq, target, rate);
        auditAfter = "native move task " + started.status() + " to "
                + (target == null ? "its source queues" : target.name());
        if (!await) {
            return view.move(started, "started");
        }
        ReplayService.MoveStatus end = svc.waitNative(dlq, Duration.ofSeconds(1), view::moveProgress);
        auditAfter = "native move task " + end.status() + ", moved " + end.moved() + " to "
                + (target == null ? "its source queues" : target.name());
        return view.move(end, "finished");
    }

    /** Every --execute asks first (on any environment: messages that move do not come back): here no one can answer. */
    private void requireTerminal() {
        Confirmation.requireTerminal(
                ctx,
                "--execute asks for confirmation in " + Confirmation.where(ctx) + ", and this is no terminal",
                "pass --yes (or set CI) to replay without asking");
    }

    private Filters filters() {
        if (max != null && max < 1) {
            throw CvaException.usage("--max must be at least 1", null);
        }
        if (rate != null && rate <= 0) {
            throw CvaException.usage("--rate must be above 0", null);
        }
        if (workers < 1 || workers > 64) {
            throw CvaException.usage("--workers must be 1..64", null);
        }
        Instant now = ctx.clock().instant();
        List<Filters.Match> matches = match.stream().map(Filters.Match::parse).toList();
        Map<String, String> attrs = new LinkedHashMap<>();
        attribute.stream().map(Filters::attribute).forEach(e -> attrs.put(e.getKey(), e.getValue()));
        return new Filters(
                since == null ? null : since.at(now), until == null ? null : until.at(now), matches, attrs, group);
    }
}
