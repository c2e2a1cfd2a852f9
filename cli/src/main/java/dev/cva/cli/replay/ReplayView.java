package dev.cva.cli.replay;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.support.Table;
import dev.cva.replay.Replayer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** Renders replay-dlq's answers: tables and sentences on a terminal, one JSON document with --json. */
final class ReplayView {
    static final String CAME_BACK = " already replayed and came back: fix the cause before replaying again";
    private final CvaContext ctx;

    ReplayView(CvaContext ctx) {
        this.ctx = ctx;
    }

    int overview(List<ReplayService.DlqSummary> dlqs) {
        if (ctx.globals().json()) {
            ctx.printJson(Map.of("dlqs", dlqs));
        } else {
            Table t = new Table("DLQ", "ALIAS", "TYPE", "MESSAGES", "IN FLIGHT", "OLDEST", "NEWEST", "SOURCE");
            dlqs.forEach(d -> t.row(
                    d.name(),
                    d.alias() == null ? "-" : d.alias(),
                    d.fifo() ? "fifo" : "standard",
                    d.visible(),
                    d.inFlight(),
                    age(d.oldestAgeSeconds()),
                    age(d.newestAgeSeconds()),
                    d.sources().isEmpty() ? "-" : String.join(",", d.sources())));
            t.print(ctx.out());
            ctx.out().flush();
            ctx.info("preview one with 'cva replay-dlq --queue <DLQ>'; nothing moves without --execute");
        }
        return ExitCode.OK.code();
    }

    int preview(ReplayService.Preview p, Path archive) {
        if (ctx.globals().json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("mode", "preview");
            doc.put("preview", p);
            ctx.printJson(doc);
        } else {
            var out = ctx.out();
            out.println(p.queue() + " (" + (p.fifo() ? "FIFO" : "standard") + "): " + p.visible() + " messages, "
                    + p.inFlight() + " in flight; scanned " + p.scanned()
                    + (p.complete()
                            ? ""
                            : " (not all: FIFO groups "
                                    + "show only their first messages while held, or the scan limit was reached)"));
            out.println("would move " + p.selected() + " message" + (p.selected() == 1 ? "" : "s") + " to " + p.target()
                    + (archive == null ? "" : ", archived first to " + archive));
            if (p.selected() > 0) {
                out.println("age: oldest " + age(p.oldestAgeSeconds()) + ", newest " + age(p.newestAgeSeconds()));
                Table t = new Table(p.groupedBy().toUpperCase(), "MESSAGES");
                p.groups().forEach(t::row);
                t.print(out);
                if (!p.batches().isEmpty()) {
                    // the on-failure queue: each message a skipped stream batch
                    Table b = new Table(
                            "SHARD", "FIRST SEQUENCE", "LAST SEQUENCE", "RECORDS", "CONDITION", "FIRST ARRIVAL", "AGE");
                    p.batches()
                            .forEach(x -> b.row(
                                    x.shardId(),
                                    x.startSequenceNumber(),
                                    x.endSequenceNumber(),
                                    x.batchSize(),
                                    x.condition(),
                                    x.firstArrival() == null ? "-" : x.firstArrival(),
                                    age(x.ageSeconds())));
                    b.print(out);
                }
                if (!p.sample().isEmpty()) {
                    out.println("sample:");
                    p.sample()
                            .forEach(s -> out.println("  " + s.messageId()
                                    + (s.groupId() == null ? "" : " group " + s.groupId()) + ", " + age(s.ageSeconds())
                                    + " old, received " + s.receiveCount() + "x: " + s.body()));
                }
            }
            out.flush();
            if (p.alreadyReplayed() > 0) {
                ctx.warn(p.alreadyReplayed() + " message" + (p.alreadyReplayed() == 1 ? " was" : "s were") + CAME_BACK);
            }
            ctx.info(p.selected() == 0 ? "nothing matched" : "nothing moved: add --execute to replay");
        }
        return p.selected() == 0 ? ExitCode.NOTHING_TO_DO.code() : ExitCode.OK.code();
    }

    int result(QueueRef dlq, String target, Replayer.Result r, Long cameBack) {
        long failed = r.failed() + r.permanent() + r.notDeleted();
        if (ctx.globals().json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("mode", "execute");
            doc.put("queue", dlq.name());
            doc.put("target", target);
            doc.put("received", r.received());
            doc.put("selected", r.selected());
            doc.put("moved", r.moved());
            doc.put("skipped", r.skipped());
            doc.put("failed", r.failed());
            doc.put("permanent", r.permanent());
            doc.put("notDeleted", r.notDeleted());
            doc.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
            doc.put("aborted", r.aborted());
            doc.put("cameBack", cameBack);
            doc.put("failures", r.failures());
            ctx.printJson(doc);
        } else {
            ctx.out()
                    .println("moved " + r.moved() + ", skipped " + r.skipped() + ", failed " + failed
                            + (r.permanent() > 0 ? " (" + r.permanent() + " permanent)" : "") + " from " + dlq.name()
                            + " to " + target
                            + " in " + String.format("%.1f", r.seconds()) + " s");
            if (!r.failures().isEmpty()) {
                Table t = new Table("MESSAGE", "GROUP", "KIND", "DETAIL");
                r.failures()
                        .forEach(f ->
                                t.row(f.messageId(), f.groupId() == null ? "-" : f.groupId(), f.kind(), f.detail()));
                t.print(ctx.out());
            }
            ctx.out().flush();
            if (r.permanent() > 0) {
                ctx.warn(r.permanent()
                        + " refused by the receiver for good (4xx): left in the DLQ; fix them or delete them");
            }
            if (r.failed() > 0) {
                ctx.warn(r.failed() + " could not be delivered now: left in the DLQ; run the command again later");
            }
        }
        if (cameBack != null && cameBack > 0) {
            ctx.warn(cameBack + " of the " + r.moved() + " replayed messages came back to " + dlq.name()
                    + ": they fail again; fix the cause before replaying again");
            return ExitCode.PARTIAL.code();
        }
        if (r.aborted() != null) {
            ctx.err().println(ctx.paint("31", "cva: ") + "stopped early: " + r.aborted());
            ctx.err().println("hint: nothing that did not arrive left the DLQ; run the same command again to continue");
            ctx.err().flush();
            return r.moved() > 0 ? ExitCode.PARTIAL.code() : ExitCode.FAILURE.code();
        }
        if (failed > 0) {
            return ExitCode.PARTIAL.code();
        }
        return r.selected() == 0 ? ExitCode.NOTHING_TO_DO.code() : ExitCode.OK.code();
    }

    int streamResult(QueueRef dlq, StreamBatchReplay.Result r) {
        int notDone = r.failed() + r.expired() + r.unreadable();
        if (ctx.globals().json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("mode", "execute");
            doc.put("queue", dlq.name());
            doc.put("received", r.received());
            doc.put("replayed", r.replayed());
            doc.put("failed", r.failed());
            doc.put("expired", r.expired());
            doc.put("unreadable", r.unreadable());
            doc.put("batches", r.outcomes());
            ctx.printJson(doc);
        } else {
            ctx.out()
                    .println("re-ran " + r.replayed() + " of " + r.received() + " skipped stream batches from "
                            + dlq.name()
                            + (notDone == 0
                                    ? ""
                                    : "; " + r.failed() + " failed, " + r.expired() + " expired, " + r.unreadable()
                                            + " unreadable"));
            if (!r.outcomes().isEmpty()) {
                Table t = new Table("SHARD", "FIRST SEQUENCE", "LAST SEQUENCE", "RECORDS", "RESULT", "DETAIL");
                r.outcomes()
                        .forEach(o -> t.row(
                                o.shardId() == null ? "-" : o.shardId(),
                                o.startSequenceNumber() == null ? "-" : o.startSequenceNumber(),
                                o.endSequenceNumber() == null ? "-" : o.endSequenceNumber(),
                                o.records(),
                                o.result(),
                                o.detail()));
                t.print(ctx.out());
            }
            ctx.out().flush();
            if (r.expired() > 0) {
                ctx.warn(r.expired() + " range" + (r.expired() == 1 ? " is" : "s are")
                        + " no longer in the stream (24 h): left in " + dlq.name()
                        + "; re-send those records from the analytics table, then delete the message");
            }
            if (r.failed() > 0) {
                ctx.warn(r.failed() + " still failing: left in " + dlq.name() + "; fix the notifier and run again");
            }
        }
        if (r.received() == 0) {
            return ExitCode.NOTHING_TO_DO.code();
        }
        return notDone > 0 ? ExitCode.PARTIAL.code() : ExitCode.OK.code();
    }

    int nativePreview(QueueRef dlq, String target, ReplayService.MoveStatus last) {
        if (ctx.globals().json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("mode", "native-preview");
            doc.put("queue", dlq.name());
            doc.put("visible", dlq.visible());
            doc.put("target", target);
            doc.put("lastTask", last);
            ctx.printJson(doc);
        } else {
            ctx.out()
                    .println("would start a move task for " + dlq.visible() + " messages from " + dlq.name() + " to "
                            + target);
            if (last != null) {
                ctx.out().println("last task: " + last.status() + ", moved " + last.moved());
            }
            ctx.out().flush();
            ctx.info("nothing moved: add --execute to start it");
        }
        return dlq.visible() == 0 ? ExitCode.NOTHING_TO_DO.code() : ExitCode.OK.code();
    }

    void moveProgress(ReplayService.MoveStatus s) {
        ctx.info("move task " + s.status() + ": moved " + s.moved() + (s.toMove() == null ? "" : " of " + s.toMove()));
    }

    int move(ReplayService.MoveStatus s, String what) {
        if (ctx.globals().json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("mode", "native");
            doc.put("event", what);
            doc.put("task", s);
            ctx.printJson(doc);
        } else {
            ctx.out()
                    .println("move task " + what + ": "
                            + (s == null
                                    ? "none"
                                    : s.status() + ", moved " + s.moved()
                                            + (s.failureReason() == null ? "" : ", " + s.failureReason())));
            ctx.out().flush();
        }
        return s != null && "FAILED".equals(s.status()) ? ExitCode.FAILURE.code() : ExitCode.OK.code();
    }

    /** A progress bar on stderr when it is a terminal (and not --json or --quiet); a no-op otherwise. */
    Progress progress(long total) {
        if (!ctx.progress()) {
            return new Progress(null);
        }
        PrintStream err = new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        ctx.err().write(b);
                    }

                    @Override
                    public void flush() {
                        ctx.err().flush();
                    }
                },
                true,
                StandardCharsets.UTF_8);
        return new Progress(new ProgressBarBuilder()
                .setTaskName("replay")
                .setInitialMax(Math.max(total, 1))
                .setConsumer(new ConsoleProgressBarConsumer(err))
                .setUnit(" msg", 1)
                .build());
    }

    /** Steps a progress bar (thread-safe), or nothing. */
    static final class Progress implements AutoCloseable {
        private final ProgressBar bar;
        private boolean closed;

        Progress(ProgressBar bar) {
            this.bar = bar;
        }

        void step(long n) {
            if (bar != null) {
                bar.stepBy(n);
            }
        }

        @Override
        public synchronized void close() {
            if (bar != null && !closed) {
                closed = true;
                bar.close();
            }
        }
    }

    static String age(Long seconds) {
        if (seconds == null) {
            return "-";
        }
        long s = seconds;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + s % 60 + "s");
        }
        if (s < 86_400) {
            return (s / 3600) + "h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + "m");
        }
        return (s / 86_400) + "d" + (s % 86_400 / 3600 == 0 ? "" : " " + s % 86_400 / 3600 + "h");
    }
}
