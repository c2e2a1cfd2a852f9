package dev.cva.cli.logs;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.options.DurationConverter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cva logs SERVICE}: one service's log lines from wherever the environment keeps them, in one format. */
@Command(
        name = "logs",
        description = {
            "Print one service's log lines in one format: time, service, LEVEL, request id, message.",
            "On local they come from the stack's files (.cva/local/logs); in a cloud environment from CloudWatch Logs "
                    + "(processor, notifier and its redrive, reporter) or Cloud Logging (receiver).",
            "--json prints JSON Lines: {time, service, level, requestId, traceId, message, fields}. --follow keeps "
                    + "printing until Ctrl-C. Exit 0 also when no line matched (said on stderr)."
        })
public final class LogsCommand implements Callable<Integer> {
    /** What a request id may hold: it goes into the clouds' filter expressions, so no quotes or braces. */
    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

    @Parameters(
            paramLabel = "SERVICE",
            completionCandidates = ServiceNames.class,
            description = "The service (from cva.yaml).")
    String service;

    @Option(
            names = "--since",
            defaultValue = "10m",
            paramLabel = "DURATION|TIME",
            description = "Lines from this long ago (e.g. 30s, 10m, 2h, 1d) or from this RFC 3339 time "
                    + "(2026-12-07T10:00:00Z) on (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new lines as they are written, until Ctrl-C.")
    boolean follow;

    @Option(names = "--request", paramLabel = "ID", description = "Only the lines of this requestId.")
    String requestId;

    @Option(
            names = "--level",
            paramLabel = "LEVEL",
            completionCandidates = Levels.class,
            description = "Only lines at this level or above: debug, info, warn, error.")
    String level;

    private final CvaContext ctx;

    LogsCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Instant from = since(since, ctx.clock().instant());
        String minLevel = level == null ? null : level(level);
        if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
            throw CvaException.usage(
                    "'" + requestId + "' is not a request id",
                    "a request id is letters, digits and . _ : @ / + = - (up to 128), e.g. a UUID");
        }
        LogSource source = LogSources.open(ctx, service);
        LogQuery query = new LogQuery(service, from, requestId, minLevel);
        LogPrinter printer = new LogPrinter(ctx.out(), ctx.globals().json(), ctx.color());
        if (!follow) {
            source.read(query).forEach(printer);
            if (printer.printed() == 0) {
                nothing(query);
            }
            return ExitCode.OK.code();
        }
        return follow(source, query, printer);
    }

    /**
     * Follows until Ctrl-C: the JVM's shutdown hook asks the reader to stop and waits for it to finish the line in
     * hand, so the output ends on a whole line. In process (tests, the shell) an interrupt stops it the same way.
     */
    private int follow(LogSource source, LogQuery query, LogPrinter printer) {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.set(true);
                    try {
                        done.await(2, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "cva-logs-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            source.follow(query, printer, stop::get);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running
            }
        }
        // interrupted in process: Ctrl-C's exit code, with nothing printed as an error (ending is what Ctrl-C is for)
        return Thread.interrupted() || stop.get() ? ExitCode.INTERRUPTED.code() : ExitCode.OK.code();
    }

    private void nothing(LogQuery query) {
        if (ctx.globals().quiet()) {
            return;
        }
        StringBuilder what = new StringBuilder("no log lines from " + query.service() + " since " + query.since());
        if (query.requestId() != null) {
            what.append(" for request ").append(query.requestId());
        }
        if (query.minLevel() != null) {
            what.append(" at ").append(query.minLevel()).append(" or above");
        }
        ctx.err().println(what + " (widen --since, or add --follow to wait for new ones)");
        ctx.err().flush();
    }

    /** {@code --since}: a duration back from now, or an RFC 3339 time. */
    static Instant since(String value, Instant now) {
        String v = value.strip();
        if (!v.isEmpty() && Character.isDigit(v.charAt(0)) && v.contains("T") && v.contains("-")) {
            try {
                return OffsetDateTime.parse(v.toUpperCase(Locale.ROOT)).toInstant();
            } catch (DateTimeParseException e) {
                throw CvaException.usage(
                        "--since '" + value + "' is not an RFC 3339 time",
                        "e.g. 2026-12-07T10:00:00Z or 2026-12-07T11:00:00+01:00, or a duration such as 10m");
            }
        }
        try {
            Duration back = DurationConverter.parse(v);
            if (back.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return now.minus(back);
        } catch (RuntimeException e) {
            throw CvaException.usage(
                    "--since '" + value + "' is neither a duration nor an RFC 3339 time",
                    "e.g. 30s, 10m, 2h, 1d, or 2026-12-07T10:00:00Z");
        }
    }

    /** {@code --level}: one of the four, in any case (warning is warn). */
    static String level(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        String l = "WARNING".equals(v) ? "WARN" : v;
        if (!LogLines.LEVELS.contains(l)) {
            throw CvaException.usage("unknown level '" + value + "'", "one of debug, info, warn, error");
        }
        return l;
    }

    /** Shell completion for --level. */
    static final class Levels implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("debug", "info", "warn", "error").iterator();
        }
    }

    /**
     * Shell completion for SERVICE: the services of the cva.yaml found from the working folder that write logs (not a
     * static site), else none.
     */
    static final class ServiceNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            try {
                return dev.cva.cli.config.ConfigLoader.load(
                                null,
                                java.util.Map.of(),
                                java.nio.file.Path.of("").toAbsolutePath())
                        .config()
                        .services()
                        .entrySet()
                        .stream()
                        .filter(e -> !e.getValue().isHosting())
                        .map(java.util.Map.Entry::getKey)
                        .toList()
                        .iterator();
            } catch (RuntimeException e) {
                return List.<String>of().iterator();
            }
        }
    }
}
