package dev.cva.cli.trace;

import dev.cva.cli.logs.LogLine;
import dev.cva.cli.trace.TraceSources.Document;
import dev.cva.cli.trace.TraceSources.EventLetter;
import dev.cva.cli.trace.TraceSources.Interim;
import dev.cva.cli.trace.TraceSources.StoredRecord;
import dev.cva.cli.trace.TraceSources.WebhookLetter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Assembles one request's timeline from what the stores hold and what the logs say. The stores come first: they
 * outlive the logs, so a trace still shows every stored hop after the logs expired (those hops then lack a time
 * only where no store keeps one). The logs add the hops no store keeps (the processor's retries, the notifier's
 * attempts and breaker, the receiver's answers) and the times the stores do not.
 */
public final class TraceService {
    /** How far before the earliest stored time the logs are read (a half parked long before its partner came). */
    static final Duration LOG_MARGIN = Duration.ofHours(1);
    /** How far back the logs are read when no store knows the request. */
    static final Duration LOG_LOOKBACK = Duration.ofDays(14);

    private final TraceSources.Records records;
    private final TraceSources.Queues queues;
    private final TraceSources.Documents documents;
    private final TraceSources.Logs logs;
    private final java.time.Clock clock;

    public TraceService(
            TraceSources.Records records,
            TraceSources.Queues queues,
            TraceSources.Documents documents,
            TraceSources.Logs logs,
            java.time.Clock clock) {
        this.records = records;
        this.queues = queues;
        this.documents = documents;
        this.logs = logs;
        this.clock = clock;
    }

    /** Everything found about one request, before it is put in order. */
    record Evidence(
            String requestId,
            StoredRecord record,
            Interim interim,
            List<EventLetter> eventLetters,
            WebhookLetter webhookLetter,
            Document document,
            List<LogLine> processor,
            List<LogLine> notifier,
            List<LogLine> breaker,
            List<LogLine> receiver) {
        boolean empty() {
            return record == null
                    && interim == null
                    && eventLetters.isEmpty()
                    && webhookLetter == null
                    && document == null
                    && processor.isEmpty()
                    && notifier.isEmpty()
                    && receiver.isEmpty();
        }
    }

    /** The trace of {@code requestId}, or empty when no store and no log knows it. */
    public Optional<Trace> trace(String requestId) {
        // independent reads run side by side: each is a round trip or a file, and loading one SDK's classes can
        // overlap another's call
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "trace-read");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<StoredRecord> recordF =
                    pool.submit(() -> records.record(requestId).orElse(null));
            Future<Document> documentF =
                    pool.submit(() -> documents.analytics(requestId).orElse(null));
            StoredRecord record = get(recordF);
            Document document = get(documentF);
            // the interim row and the event DLQ only matter (and are only read) before the record exists; the webhook
            // DLQ only before the document exists: a complete trace reads no queue
            Future<Interim> interimF = pool.submit(
                    () -> record == null ? records.interim(requestId).orElse(null) : null);
            Future<List<EventLetter>> lettersF =
                    pool.submit(() -> record == null ? queues.eventDlq(requestId) : List.of());
            Future<WebhookLetter> letterF = pool.submit(
                    () -> document == null ? queues.webhookDlq(requestId).orElse(null) : null);
            Interim interim = get(interimF);
            WebhookLetter letter = get(letterF);
            Instant since = Stream.of(
                            record == null
                                    ? null
                                    : Instant.ofEpochMilli(Math.min(record.timestamp(), record.responseTimestamp())),
                            interim == null || interim.queryTimestamp() == null
                                    ? null
                                    : Instant.ofEpochMilli(interim.queryTimestamp()),
                            interim == null || interim.responseTimestamp() == null
                                    ? null
                                    : Instant.ofEpochMilli(interim.responseTimestamp()),
                            document == null ? null : document.createTime(),
                            letter == null ? null : letter.sentAt())
                    .filter(java.util.Objects::nonNull)
                    .min(Comparator.naturalOrder())
                    .map(t -> t.minus(LOG_MARGIN))
                    .orElse(clock.instant().minus(LOG_LOOKBACK));
            Future<List<LogLine>> processorF = pool.submit(() -> logs.read("processor", requestId, since));
            Future<List<LogLine>> receiverF = pool.submit(() -> logs.read("receiver", requestId, since));
            List<LogLine> notifier = logs.read("notifier", requestId, since);
            // the breaker's state is read (all of the notifier's lines) only for a send that failed: a delivered one
            // had it closed, and a send refused at once says it was open
            List<LogLine> breaker = notifier.stream().noneMatch(l -> l.message().startsWith("webhook failed"))
                    ? List.of()
                    : logs.read("notifier", null, since).stream()
                            .filter(TraceService::breakerEvent)
                            .toList();
            Evidence e = new Evidence(
                    requestId,
                    record,
                    interim,
                    get(lettersF),
                    letter,
                    document,
                    get(processorF),
                    notifier,
                    breaker,
                    get(receiverF));
            return e.empty() ? Optional.empty() : Optional.of(assemble(e, clock.instant()));
        } finally {
            pool.shutdownNow();
        }
    }

    /** The result of a read; its own exception (a CvaException) as it was thrown. */
    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.cva.cli.CvaException(dev.cva.cli.ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }

    // ---- assembly: pure, from plain inputs ------------------------------------------------------------------------

    /** A hop before ordering: its causal stage breaks ties and places hops without a time. */
    private record Step(int stage, Instant at, String hop, String detail, String source) {}

    // the order in which each writes its time: the notifier logs a send once the receiver answered and the dead letter
    // (if any) is in the webhook DLQ
    private static final int HALVES = 0, PROCESSOR = 1, RECORD = 2, FIRESTORE = 3, RECEIVER = 4, DLQ = 5, NOTIFIER = 6;

    static Trace assemble(Evidence e, Instant now) {
        List<Step> steps = new ArrayList<>();
        StoredRecord record = e.record();
        Interim interim = e.interim();
        // the halves: their own timestamps, from the record, else the parked row, else the event DLQ
        Long query =
                record != null ? Long.valueOf(record.timestamp()) : interim != null ? interim.queryTimestamp() : null;
        Long response = record != null
                ? Long.valueOf(record.responseTimestamp())
                : interim != null ? interim.responseTimestamp() : null;
        String halvesSource =
                record != null ? "dynamodb:" + record.table() : interim != null ? "dynamodb:" + interim.table() : null;
        for (EventLetter l : e.eventLetters()) {
            if ("query".equals(l.eventType()) && query == null && l.eventTimestamp() != null) {
                steps.add(new Step(
                        HALVES,
                        Instant.ofEpochMilli(l.eventTimestamp()),
                        "query",
                        "query sent (the event's timestamp)",
                        "sqs:" + l.queue()));
            } else if ("response".equals(l.eventType()) && response == null && l.eventTimestamp() != null) {
                steps.add(new Step(
                        HALVES,
                        Instant.ofEpochMilli(l.eventTimestamp()),
                        "response",
                        "response sent (the event's timestamp)",
                        "sqs:" + l.queue()));
            }
        }
        if (query != null) {
            steps.add(new Step(
                    HALVES, Instant.ofEpochMilli(query), "query", "query sent (the event's timestamp)", halvesSource));
        }
        if (response != null) {
            steps.add(new Step(
                    HALVES,
                    Instant.ofEpochMilli(response),
                    "response",
                    "response sent (the event's timestamp)"
                            + (record != null && record.latencyMs() != null
                                    ? "; " + record.latencyMs() + " ms after the query"
                                    : ""),
                    halvesSource));
        }

        // the processor: its lines, the record's completion line kept for the record hop
        LogLine completed = null;
        int failures = 0;
        LogLine lastFailure = null;
        LogLine lastParked = null;
        for (LogLine l : e.processor()) {
            String type = field(l, "eventType");
            if (l.message().startsWith("record completed")) {
                completed = completed == null ? l : completed;
                if (record != null) {
                    continue;
                }
            }
            if (l.message().startsWith("event parked")) {
                lastParked = l;
            }
            if (l.message().contains("will be retried")) {
                failures++;
                lastFailure = l;
            }
            String reason = field(l, "reason");
            steps.add(new Step(
                    PROCESSOR,
                    l.time(),
                    "processor",
                    l.message() + (type == null ? "" : " (" + type + ")") + (reason == null ? "" : ": " + reason),
                    "logs:processor"));
        }
        if (interim != null) {
            boolean q = interim.queryTimestamp() != null, r = interim.responseTimestamp() != null;
            String parked = q && r
                    ? "both halves parked (the record is not written yet)"
                    : q
                            ? "query parked, waiting for its response"
                            : r ? "response parked, waiting for its query" : "an empty interim row";
            steps.add(new Step(
                    PROCESSOR,
                    lastParked == null ? null : lastParked.time(),
                    "interim",
                    parked
                            + (interim.ttl() == null
                                    ? ""
                                    : "; the row expires " + when(Instant.ofEpochSecond(interim.ttl()), now)),
                    "dynamodb:" + interim.table()));
        }
        for (EventLetter l : e.eventLetters()) {
            steps.add(new Step(
                    PROCESSOR,
                    l.sentAt(),
                    "eventDlq",
                    "the " + l.eventType() + " half is in the event DLQ (sent " + when(l.sentAt(), now) + ", received "
                            + l.receiveCount() + " times): the processor refused it",
                    "sqs:" + l.queue()));
        }
        if (record == null && interim == null && e.eventLetters().isEmpty() && lastFailure != null) {
            steps.add(new Step(
                    PROCESSOR,
                    lastFailure.time(),
                    "queue",
                    "back in the event queue after " + failures + " failed attempt" + (failures == 1 ? "" : "s")
                            + ", retried until the queue moves it to its DLQ",
                    "logs:processor"));
        }
        if (record != null) {
            StringBuilder d = new StringBuilder("record written to " + record.table());
            if (record.week() != null) {
                d.append(" (week ").append(record.week()).append(')');
            }
            if (record.traceId() != null) {
                d.append("; traceId ").append(record.traceId());
            }
            if (completed == null) {
                d.append("; its time is in the processor's logs, which no longer have it");
            }
            steps.add(new Step(
                    RECORD,
                    completed == null ? null : completed.time(),
                    "record",
                    d.toString(),
                    "dynamodb:" + record.table()));
        }

        if (e.document() != null) {
            Document doc = e.document();
            steps.add(new Step(
                    FIRESTORE,
                    doc.createTime(),
                    "firestore",
                    "document " + doc.name() + " created",
                    "firestore:" + doc.name()));
        }
        for (LogLine l : e.receiver()) {
            Object status = l.fields().get("status");
            String error = field(l, "error");
            String detail = field(l, "detail");
            steps.add(new Step(
                    RECEIVER,
                    l.time(),
                    "receiver",
                    "answered " + (status == null ? "?" : status) + (error == null ? "" : " " + error)
                            + (detail == null ? "" : " (" + detail + ")"),
                    "logs:receiver"));
        }
        for (LogLine l : e.notifier()) {
            steps.add(new Step(
                    NOTIFIER,
                    l.time(),
                    "notifier",
                    notifierDetail(l, breakerAt(e.breaker(), l.time(), now)),
                    "logs:" + l.service()));
        }
        if (e.webhookLetter() != null) {
            WebhookLetter w = e.webhookLetter();
            steps.add(new Step(
                    DLQ,
                    w.sentAt(),
                    "webhookDlq",
                    "in the webhook DLQ since " + when(w.sentAt(), now) + ", reason "
                            + w.reason()
                            + (w.attempts() == null
                                    ? ""
                                    : " (" + w.attempts() + " attempt" + (w.attempts() == 1 ? "" : "s")
                                            + (w.lastStatus() == null ? "" : ", last HTTP " + w.lastStatus()) + ")"),
                    "sqs:" + w.queue()));
        }

        List<Hop> hops = order(steps);
        boolean complete = e.document() != null;
        String traceId = record != null && record.traceId() != null
                ? record.traceId()
                : Stream.of(e.processor(), e.notifier(), e.receiver())
                        .flatMap(List::stream)
                        .map(LogLine::traceId)
                        .filter(java.util.Objects::nonNull)
                        .findFirst()
                        .orElse(null);
        return new Trace(e.requestId(), traceId, complete, complete ? null : stoppedAt(e, hops), hops);
    }

    /** Where an incomplete trace stopped: the furthest hop that explains why nothing followed. */
    private static String stoppedAt(Evidence e, List<Hop> hops) {
        if (e.webhookLetter() != null) {
            return "webhookDlq";
        }
        if (!e.receiver().isEmpty() && status(e.receiver().get(e.receiver().size() - 1)) >= 400) {
            return "receiver";
        }
        for (String hop : List.of("notifier", "record", "eventDlq", "interim", "queue", "processor")) {
            if (hops.stream().anyMatch(h -> h.hop().equals(hop))) {
                return hop;
            }
        }
        return hops.isEmpty() ? null : hops.get(hops.size() - 1).hop();
    }

    /**
     * Hops with a time in time order (the causal stage breaks ties: the receiver logs after Firestore wrote, the
     * notifier after the receiver answered and after it dead-lettered); a hop without one right after the last hop of its stage or an earlier
     * one. Delays run from the previous hop with a time.
     */
    private static List<Hop> order(List<Step> steps) {
        List<Step> ordered = new ArrayList<>(steps.stream()
                .filter(s -> s.at() != null)
                .sorted(Comparator.comparing(Step::at).thenComparingInt(Step::stage))
                .toList());
        steps.stream()
                .filter(s -> s.at() == null)
                .sorted(Comparator.comparingInt(Step::stage))
                .forEach(s -> {
                    int at = 0;
                    for (int i = 0; i < ordered.size(); i++) {
                        if (ordered.get(i).stage() <= s.stage()) {
                            at = i + 1;
                        }
                    }
                    ordered.add(at, s);
                });
        List<Hop> hops = new ArrayList<>();
        Instant previous = null;
        for (Step s : ordered) {
            Long delay = s.at() == null || previous == null
                    ? null
                    : Duration.between(previous, s.at()).toMillis();
            hops.add(new Hop(s.hop(), s.at(), delay, s.detail(), s.source()));
            if (s.at() != null) {
                previous = s.at();
            }
        }
        return hops;
    }

    private static String notifierDetail(LogLine l, String breaker) {
        Object attempts = l.fields().get("attempts");
        String tries = attempts == null ? "" : attempts + " attempt" + ("1".equals(attempts.toString()) ? "" : "s");
        String m = l.message();
        String text;
        if (m.startsWith("webhook delivered")) {
            text = "delivered after " + tries
                    + (l.fields().get("status") == null
                            ? ""
                            : ", HTTP " + l.fields().get("status"));
            breaker = breaker == null ? "closed" : breaker;
        } else if (m.startsWith("circuit open")) {
            text = "not sent: the breaker was open; dead-lettered";
            breaker = null;
        } else if (m.startsWith("webhook failed")) {
            text = "failed after " + tries
                    + (l.fields().get("lastStatus") == null
                            ? ""
                            : " (last HTTP " + l.fields().get("lastStatus") + ")") + ", reason " + field(l, "reason")
                    + "; dead-lettered";
        } else {
            text = m;
        }
        return text + (breaker == null ? "" : "; breaker " + breaker);
    }

    /** The breaker's state at {@code t} from its last open/close line before it, or null when none says. */
    private static String breakerAt(List<LogLine> breaker, Instant t, Instant now) {
        LogLine last = null;
        for (LogLine l : breaker) {
            if (l.time() != null && t != null && !l.time().isAfter(t)) {
                last = l;
            }
        }
        if (last == null) {
            return null;
        }
        return "breaker_open".equals(field(last, "event")) ? "open since " + when(last.time(), now) : "closed";
    }

    private static boolean breakerEvent(LogLine l) {
        String event = field(l, "event");
        return "breaker_open".equals(event) || "breaker_closed".equals(event);
    }

    private static int status(LogLine l) {
        Object s = l.fields().get("status");
        try {
            return s == null ? 0 : Integer.parseInt(s.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String field(LogLine l, String name) {
        Object v = l.fields().get(name);
        return v == null ? null : v.toString();
    }

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** A time in words: HH:mm:ss UTC today, with the date on another day. */
    static String when(Instant t, Instant now) {
        if (t == null) {
            return "at an unknown time";
        }
        boolean today = t.atZone(ZoneOffset.UTC)
                .toLocalDate()
                .equals(now.atZone(ZoneOffset.UTC).toLocalDate());
        return (today ? TIME : DATE_TIME).format(t) + " UTC";
    }
}
