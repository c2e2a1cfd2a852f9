package dev.cva.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.local.lambda.FunctionAlias;
import dev.cva.local.lambda.SqsMapping;
import dev.cva.local.lambda.StreamMapping;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} on the control channel: what the running stack did since it became ready (or since the last
 * {@code POST /metrics/reset}), for {@code cva cost estimate --env local}. Counts come from three places, and each
 * group says which in its {@code basis}:
 * <ul>
 *   <li><b>measured</b> by the stack itself: Lambda invocations and billed duration (Runtime API hand-out to answer,
 *       each rounded up to 1 ms), the SQS mapping's ReceiveMessage / DeleteMessageBatch calls, the stream mapping's
 *       GetRecords calls;</li>
 *   <li><b>counted</b> from the services' JSON logs (the part appended since the baseline): the processor's outcomes
 *       (parked, completed, duplicate), the notifier's webhook deliveries, the receiver's webhook requests and their
 *       latency;</li>
 *   <li><b>derived</b> from those counts and the code's writes per outcome: DynamoDB write and read units (moto
 *       reports no consumed capacity unless asked, and the processor does not ask), Firestore writes.</li>
 * </ul>
 */
final class LocalMetrics {
    static final List<String> LOGS = List.of("processor", "notifier", "receiver");

    private final Map<String, FunctionAlias> functions;
    private final Supplier<SqsMapping> sqs;
    private final Supplier<StreamMapping> stream;
    private final Path logs;
    private final Clock clock;
    private volatile Baseline baseline;
    private final Live live;

    /** Every counter at the baseline, and where each log file ended then. */
    private record Baseline(
            Instant at, Map<String, long[]> functions, long[] sqs, long[] stream, Map<String, Long> logEnds) {}

    LocalMetrics(
            Map<String, FunctionAlias> functions,
            Supplier<SqsMapping> sqs,
            Supplier<StreamMapping> stream,
            Path logs,
            Clock clock) {
        this.functions = functions;
        this.sqs = sqs;
        this.stream = stream;
        this.logs = logs;
        this.clock = clock;
        this.baseline = snapshot();
        this.live = new Live(logs, clock, baseline.logEnds());
    }

    /** Adds {@code GET /metrics} and {@code POST /metrics/reset} to the stack's control channel. */
    static LocalMetrics register(
            ControlServer control,
            Map<String, FunctionAlias> functions,
            Supplier<SqsMapping> sqs,
            Supplier<StreamMapping> stream,
            Path logs,
            Clock clock) {
        LocalMetrics m = new LocalMetrics(functions, sqs, stream, logs, clock);
        control.route("GET", "/metrics", (rest, body) -> ControlServer.Reply.ok(m.read()));
        control.route("GET", "/metrics/live", (rest, body) -> ControlServer.Reply.ok(m.live.read()));
        control.route("POST", "/metrics/reset", (rest, body) -> {
            m.reset();
            return ControlServer.Reply.ok(Map.of("since", m.baseline.at().toString()));
        });
        return m;
    }

    void reset() {
        baseline = snapshot();
    }

    private Baseline snapshot() {
        Map<String, long[]> f = new LinkedHashMap<>();
        functions.forEach((name, fn) -> f.put(name, new long[] {fn.invocations(), fn.billedMillis()}));
        Map<String, Long> ends = new LinkedHashMap<>();
        for (String name : LOGS) {
            ends.put(name, size(logs.resolve(name + ".log")));
        }
        return new Baseline(clock.instant(), f, sqsCounters(), streamCounters(), ends);
    }

    private long[] sqsCounters() {
        SqsMapping m = sqs.get();
        return m == null
                ? new long[6]
                : new long[] {
                    m.receiveCalls(), m.emptyReceives(), m.received(), m.deleteCalls(), m.deleted(), m.failedBatches()
                };
    }

    private long[] streamCounters() {
        StreamMapping m = stream.get();
        return m == null ? new long[4] : new long[] {m.getRecordsCalls(), m.delivered(), m.skipped(), m.invocations()};
    }

    /** The counts since the baseline, as {@code GET /metrics} answers them. */
    Map<String, Object> read() throws IOException {
        Baseline b = baseline;
        Instant now = clock.instant();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("since", b.at().toString());
        out.put("seconds", (now.toEpochMilli() - b.at().toEpochMilli()) / 1000.0);

        Map<String, Object> fns = new LinkedHashMap<>();
        for (var e : functions.entrySet()) {
            FunctionAlias fn = e.getValue();
            long[] base = b.functions().getOrDefault(e.getKey(), new long[2]);
            long invocations = Math.max(0, fn.invocations() - base[0]);
            long billedMs = Math.max(0, fn.billedMillis() - base[1]);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("memoryMb", fn.memoryMb());
            m.put("invocations", invocations);
            m.put("billedMs", billedMs);
            m.put("gbSeconds", billedMs / 1000.0 * fn.memoryMb() / 1024.0);
            fns.put(e.getKey(), m);
        }
        out.put(
                "functions",
                Map.of("basis", "measured: Runtime API hand-out to answer, each rounded up to 1 ms", "byName", fns));

        long[] s = minus(sqsCounters(), b.sqs());
        Map<String, Object> sq = new LinkedHashMap<>();
        sq.put(
                "basis",
                "measured: the SQS event source mapping's calls (local pollers wait 1 s on an empty queue, "
                        + "Lambda's 20 s: idle polls are not representative)");
        sq.put("receiveCalls", s[0]);
        sq.put("emptyReceives", s[1]);
        sq.put("messagesReceived", s[2]);
        sq.put("deleteCalls", s[3]);
        sq.put("messagesDeleted", s[4]);
        sq.put("failedBatches", s[5]);
        out.put("sqs", sq);

        long[] st = minus(streamCounters(), b.stream());
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("basis", "measured: the DynamoDB stream mapping's calls (GetRecords by a Lambda trigger is not billed)");
        sm.put("getRecordsCalls", st[0]);
        sm.put("recordsDelivered", st[1]);
        sm.put("recordsSkipped", st[2]);
        sm.put("invocations", st[3]);
        out.put("stream", sm);

        LogCounts processor = count("processor", b);
        LogCounts notifier = count("notifier", b);
        LogCounts receiver = count("receiver", b);
        out.put(
                "logs",
                Map.of(
                        "basis", "counted: JSON log lines appended since the baseline",
                        "processor",
                                Map.of(
                                        "parked",
                                        processor.get("event parked"),
                                        "completed",
                                        processor.get("record completed"),
                                        "duplicates",
                                        processor.get("event duplicate"),
                                        "rejected",
                                        processor.get("event rejected"),
                                        "bytes",
                                        processor.bytes),
                        "notifier",
                                Map.of(
                                        "webhooksDelivered",
                                        notifier.get("webhook delivered"),
                                        "webhookAttempts",
                                        notifier.attempts,
                                        "webhooksFailed",
                                        notifier.get("webhook failed; dead-lettered"),
                                        "bytes",
                                        notifier.bytes),
                        "receiver",
                                Map.of(
                                        "webhookRequests",
                                        receiver.posts,
                                        "ok",
                                        receiver.postsOk,
                                        "billedMs",
                                        receiver.billedMs,
                                        "bytes",
                                        receiver.bytes)));

        Derived d = derive(processor.get("event parked"), processor.get("record completed"), receiver.postsOk);
        out.put(
                "dynamodb",
                Map.of(
                        "basis",
                        "derived: processor outcomes x the code's calls per outcome (a parked half: "
                                + "1 PutItem; completed from a parked half: 1 PutItem + 1 DeleteItem, and 1 consistent GetItem by the "
                                + "lone response; both halves in one batch: 1 PutItem), items under 1 KB",
                        "writeUnits",
                        d.writeUnits(),
                        "readUnits",
                        d.readUnits()));
        out.put(
                "firestore",
                Map.of(
                        "basis",
                        "derived: the receiver's 200 answers x 2 writes (the record and its stats "
                                + "shard, one batch)",
                        "writes",
                        d.firestoreWrites()));
        out.put("webhooks", Map.of("basis", "counted: the receiver's POST requests", "calls", receiver.posts));
        return out;
    }

    /** Units derived from the outcome counts (see the class comment). */
    record Derived(long writeUnits, long readUnits, long firestoreWrites) {}

    static Derived derive(long parked, long completed, long receiverOk) {
        long fromParked = Math.min(parked, completed);
        long paired = completed - fromParked;
        return new Derived(parked + 2 * fromParked + paired, fromParked, 2 * receiverOk);
    }

    private static long[] minus(long[] now, long[] base) {
        long[] d = new long[now.length];
        for (int i = 0; i < now.length; i++) {
            d[i] = Math.max(0, now[i] - base[i]);
        }
        return d;
    }

    /** Lines of one service's log since the baseline, by message. */
    static final class LogCounts {
        final Map<String, Long> messages = new LinkedHashMap<>();
        long bytes;
        long attempts;
        long posts;
        long postsOk;
        long billedMs;

        long get(String message) {
            return messages.getOrDefault(message, 0L);
        }
    }

    private LogCounts count(String service, Baseline b) throws IOException {
        Path file = logs.resolve(service + ".log");
        LogCounts c = new LogCounts();
        if (!Files.isRegularFile(file)) {
            return c;
        }
        long from = b.logEnds().getOrDefault(service, 0L);
        long size = size(file);
        if (size < from) {
            from = 0; // rotated or truncated: count all of it
        }
        c.bytes = size - from;
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(from);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                countLine(line, c);
            }
        }
        return c;
    }

    /** Counts one log line: only JSON lines with a {@code message} count; others are the runtime's chatter. */
    static void countLine(String line, LogCounts c) {
        int brace = line.indexOf('{');
        if (brace < 0 || !line.contains("\"message\"")) {
            return;
        }
        JsonNode n;
        try {
            n = CvaContext.json().readTree(line.substring(brace));
        } catch (IOException e) {
            return;
        }
        String message = n.path("message").asText(null);
        if (message == null) {
            return;
        }
        c.messages.merge(message, 1L, Long::sum);
        if (message.equals("webhook delivered") || message.equals("webhook failed; dead-lettered")) {
            c.attempts += Math.max(1, n.path("attempts").asLong(1));
        }
        if (message.equals("webhook request") && "POST".equals(n.path("method").asText())) {
            c.posts++;
            if (n.path("status").asInt() == 200) {
                c.postsOk++;
            }
            // Cloud Run's request-based billing rounds each request's time up to the next 100 ms
            double ms = n.path("latencyMs").asDouble(0);
            c.billedMs += Math.max(100, (long) Math.ceil(ms / 100.0) * 100);
        }
    }

    private static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * {@code GET /metrics/live}: the last minute, for {@code cva top}. The services' JSON logs are read on from where
     * the previous call stopped (whole lines only), and each counted line is kept with its own {@code time} for
     * {@link #WINDOW}: events a second in and out of each part, p50/p95 of the receiver's request latency and of the
     * hop from the processor completing a record to the receiver storing it (matched by {@code requestId}), and the
     * notifier's breaker as its last {@code breaker_open} / {@code breaker_closed} line left it (closed when the
     * stack started: a new notifier JVM starts closed).
     */
    static final class Live {
        static final Duration WINDOW = Duration.ofSeconds(60);
        /** A completed record waits this long for its receiver line before it no longer counts towards the hop. */
        private static final Duration MATCH = Duration.ofMinutes(5);

        enum Kind {
            PROCESSOR_IN,
            PROCESSOR_OUT,
            PROCESSOR_ERROR,
            NOTIFIER_IN,
            NOTIFIER_OUT,
            NOTIFIER_ERROR,
            RECEIVER_IN,
            RECEIVER_OUT,
            RECEIVER_ERROR,
            RECEIVER_LATENCY,
            STORED_LATENCY
        }

        record Event(Instant at, Kind kind, double value) {}

        private final Path logs;
        private final Clock clock;
        private final Instant started;
        private final Map<String, Long> offsets = new HashMap<>();
        private final Deque<Event> events = new ArrayDeque<>();
        private final Map<String, Instant> completed = new LinkedHashMap<>();
        private String breaker = "closed";
        private Instant breakerSince;

        Live(Path logs, Clock clock, Map<String, Long> from) {
            this.logs = logs;
            this.clock = clock;
            this.started = clock.instant();
            this.offsets.putAll(from);
        }

        synchronized Map<String, Object> read() throws IOException {
            Instant now = clock.instant();
            for (String service : LOGS) {
                tail(service, now);
            }
            Instant cut = now.minus(WINDOW);
            events.removeIf(e -> e.at().isBefore(cut));
            completed.values().removeIf(t -> t.isBefore(now.minus(MATCH)));

            double seconds = Math.max(
                    1.0,
                    Math.min(WINDOW.toMillis(), Duration.between(started, now).toMillis()) / 1000.0);
            Map<Kind, Long> counts = new java.util.EnumMap<>(Kind.class);
            Map<Kind, List<Double>> values = new java.util.EnumMap<>(Kind.class);
            for (Event e : events) {
                counts.merge(e.kind(), 1L, Long::sum);
                values.computeIfAbsent(e.kind(), k -> new java.util.ArrayList<>())
                        .add(e.value());
            }
            java.util.function.Function<Kind, Double> rate =
                    k -> Math.round(counts.getOrDefault(k, 0L) / seconds * 100) / 100.0;
            Map<String, Object> parts = new LinkedHashMap<>();
            parts.put(
                    "processor",
                    part(
                            rate.apply(Kind.PROCESSOR_IN),
                            rate.apply(Kind.PROCESSOR_OUT),
                            rate.apply(Kind.PROCESSOR_ERROR),
                            "in: events handled (parked, completed, duplicate, rejected); "
                                    + "out: records completed; errors: events rejected"));
            parts.put(
                    "notifier",
                    part(
                            rate.apply(Kind.NOTIFIER_IN),
                            rate.apply(Kind.NOTIFIER_OUT),
                            rate.apply(Kind.NOTIFIER_ERROR),
                            "in: records sent or dead-lettered; out: webhooks delivered; "
                                    + "errors: webhooks dead-lettered"));
            parts.put(
                    "receiver",
                    part(
                            rate.apply(Kind.RECEIVER_IN),
                            rate.apply(Kind.RECEIVER_OUT),
                            rate.apply(Kind.RECEIVER_ERROR),
                            "in: webhook POSTs; out: stored (200); errors: any other answer"));
            Map<String, Object> latency = new LinkedHashMap<>();
            latency.put(
                    "receiver",
                    percentiles(
                            values.get(Kind.RECEIVER_LATENCY),
                            "the receiver's webhook request latency (its log's latencyMs)"));
            latency.put(
                    "completedToStored",
                    percentiles(
                            values.get(Kind.STORED_LATENCY),
                            "processor completed the record -> receiver stored it (log times, by requestId)"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("at", now.toString());
            out.put("windowSeconds", seconds);
            out.put("parts", parts);
            out.put("latency", latency);
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("state", breaker);
            b.put("since", breakerSince == null ? null : breakerSince.toString());
            out.put("breaker", b);
            return out;
        }

        private static Map<String, Object> part(double in, double out, double errors, String basis) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("inPerSecond", in);
            m.put("outPerSecond", out);
            m.put("errorsPerSecond", errors);
            m.put("basis", basis);
            return m;
        }

        /** Nearest-rank p50 and p95 of {@code values}; nulls without samples. */
        static Map<String, Object> percentiles(List<Double> values, String basis) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Double> sorted =
                    values == null ? List.of() : values.stream().sorted().toList();
            m.put("p50Ms", rank(sorted, 0.50));
            m.put("p95Ms", rank(sorted, 0.95));
            m.put("samples", sorted.size());
            m.put("basis", basis);
            return m;
        }

        static Double rank(List<Double> sorted, double q) {
            if (sorted.isEmpty()) {
                return null;
            }
            int i = (int) Math.ceil(q * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }

        /** Reads the whole lines appended to {@code service}'s log since the last call. */
        private void tail(String service, Instant now) throws IOException {
            Path file = logs.resolve(service + ".log");
            long size = size(file);
            long from = offsets.getOrDefault(service, 0L);
            if (size < from) {
                from = 0; // truncated: read it again from the start
            }
            if (size == from) {
                offsets.put(service, from);
                return;
            }
            byte[] bytes;
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(size - from, 64L << 20));
                ch.position(from);
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // fill
                }
                bytes = java.util.Arrays.copyOf(buf.array(), buf.position());
            }
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--; // a line still being written waits for the next call
            }
            offsets.put(service, from + end);
            for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                take(service, line, now);
            }
        }

        /** Counts one line of {@code service}'s log, at the time it names. */
        void take(String service, String line, Instant now) {
            int brace = line.indexOf('{');
            if (brace < 0 || !line.contains("\"message\"")) {
                return;
            }
            JsonNode n;
            try {
                n = CvaContext.json().readTree(line.substring(brace));
            } catch (IOException e) {
                return;
            }
            String message = n.path("message").asText("");
            Instant at = now;
            try {
                at = Instant.parse(n.path("time").asText());
            } catch (RuntimeException e) {
                // no time: now
            }
            String requestId = n.path("requestId").asText(null);
            switch (service) {
                case "processor" -> {
                    switch (message) {
                        case "event parked", "event duplicate" -> add(at, Kind.PROCESSOR_IN, 0);
                        case "record completed" -> {
                            add(at, Kind.PROCESSOR_IN, 0);
                            add(at, Kind.PROCESSOR_OUT, 0);
                            if (requestId != null) {
                                completed.put(requestId, at);
                            }
                        }
                        case "event rejected" -> {
                            add(at, Kind.PROCESSOR_IN, 0);
                            add(at, Kind.PROCESSOR_ERROR, 0);
                        }
                        default -> {}
                    }
                }
                case "notifier" -> {
                    String event = n.path("event").asText("");
                    if (message.equals("webhook delivered")) {
                        add(at, Kind.NOTIFIER_IN, 0);
                        add(at, Kind.NOTIFIER_OUT, 0);
                    } else if (message.equals("webhook failed; dead-lettered")) {
                        add(at, Kind.NOTIFIER_IN, 0);
                        add(at, Kind.NOTIFIER_ERROR, 0);
                    } else if (event.equals("breaker_open") || event.equals("breaker_closed")) {
                        breaker = event.equals("breaker_open") ? "open" : "closed";
                        breakerSince = at;
                    }
                }
                case "receiver" -> {
                    if (message.equals("webhook request")
                            && "POST".equals(n.path("method").asText())) {
                        add(at, Kind.RECEIVER_IN, 0);
                        boolean stored = n.path("status").asInt() == 200;
                        add(at, stored ? Kind.RECEIVER_OUT : Kind.RECEIVER_ERROR, 0);
                        add(at, Kind.RECEIVER_LATENCY, n.path("latencyMs").asDouble(0));
                        Instant done = stored && requestId != null ? completed.remove(requestId) : null;
                        if (done != null) {
                            add(
                                    at,
                                    Kind.STORED_LATENCY,
                                    Math.max(0, Duration.between(done, at).toMillis()));
                        }
                    }
                }
                default -> {}
            }
        }

        private void add(Instant at, Kind kind, double value) {
            events.add(new Event(at, kind, value));
        }
    }
}
