package dev.cva.cli.trace;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.support.Table;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cva trace REQUEST_ID}: one event's path through both clouds, hop by hop. */
@Command(
        name = "trace",
        description = {
            "Follow one event through both clouds: when each half was sent and reached the processor, the record, the "
                    + "notifier's send (attempts, breaker, webhook DLQ), the receiver's answer and the Firestore document, "
                    + "with the delay between hops and where it stopped if it is incomplete.",
            "Reads the stores as well as the logs, so it works after the logs have expired.",
            "Exit 0 with a trace (complete or not), 1 when no store or log knows the id, 2 for an id that is not a UUID."
        })
public final class TraceCommand implements Callable<Integer> {
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final CvaContext ctx;

    @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "The chat event's requestId (a UUID).")
    String requestId;

    TraceCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (!UUID.matcher(requestId).matches()) {
            throw CvaException.usage(
                    "'" + requestId + "' is not a request id",
                    "a request id is a UUID, like 3f2c9e1a-8b7d-4c6e-9f10-2a3b4c5d6e7f");
        }
        Trace trace;
        try (TraceEnvironment env = TraceEnvironment.open(ctx)) {
            trace = env.service()
                    .trace(requestId)
                    .orElseThrow(
                            () -> new CvaException(
                                    ExitCode.FAILURE,
                                    "no trace of " + requestId + " in " + ctx.environmentName(),
                                    "no store holds it and no log line names it: was it sent to this environment? (logs expire; the stores keep records)"));
        }
        if (ctx.globals().json()) {
            ctx.printJson(trace);
            return ExitCode.OK.code();
        }
        ctx.out()
                .println("trace of " + trace.requestId() + " in " + ctx.environmentName()
                        + (trace.traceId() == null ? "" : " (traceId " + trace.traceId() + ")"));
        Table t = new Table("TIME (UTC)", "DELAY", "HOP", "DETAIL", "SOURCE");
        for (Hop h : trace.hops()) {
            t.row(
                    h.at() == null ? "-" : TIME.format(h.at()),
                    h.delayMs() == null ? "" : delay(h.delayMs()),
                    h.hop(),
                    h.detail(),
                    h.source());
        }
        t.print(ctx.out());
        if (trace.complete()) {
            ctx.out().println(ctx.paint("32", "complete") + ": the record reached Firestore");
        } else {
            Hop stop = trace.stop();
            ctx.out()
                    .println(ctx.paint("33", "stopped at " + trace.stoppedAt())
                            + (stop == null ? "" : ": " + stop.detail()));
        }
        ctx.out().flush();
        return ExitCode.OK.code();
    }

    /** {@code +230 ms}, {@code +4.2 s}, {@code +3 min 5 s}; a negative delay (clocks a little apart) as it is. */
    static String delay(long ms) {
        String sign = ms < 0 ? "-" : "+";
        long a = Math.abs(ms);
        if (a < 1_000) {
            return sign + a + " ms";
        }
        if (a < 60_000) {
            return sign + String.format(java.util.Locale.ROOT, "%.1f s", a / 1000.0);
        }
        if (a < 3_600_000) {
            return sign + a / 60_000 + " min " + a % 60_000 / 1000 + " s";
        }
        return sign + a / 3_600_000 + " h " + a % 3_600_000 / 60_000 + " min";
    }
}
