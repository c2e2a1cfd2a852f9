package dev.cva.cli.top;

import dev.cva.cli.support.Table;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.function.BinaryOperator;

/** The text of one {@code cva top} frame: parts, queues, breaker, latency. {@code paint} adds colour (or not). */
final class TopView {
    private TopView() {}

    static String render(TopSnapshot s, BinaryOperator<String> paint, String footer) {
        StringWriter buf = new StringWriter();
        PrintWriter out = new PrintWriter(buf);
        out.printf(Locale.ROOT, "cva top · %s · %s · last %.0f s%n", s.environment(), time(s.at()), s.windowSeconds());
        out.println();
        Table parts = new Table("PART", "IN/S", "OUT/S", "ERRORS/S");
        for (TopSnapshot.Part p : s.parts()) {
            String errors = number(p.errorsPerSecond());
            parts.row(
                    p.name(),
                    number(p.inPerSecond()),
                    number(p.outPerSecond()),
                    p.errorsPerSecond() != null && p.errorsPerSecond() > 0 ? paint.apply("31", errors) : errors);
        }
        parts.print(out);
        out.println();
        Table queues = new Table("QUEUE", "NAME", "VISIBLE", "IN FLIGHT", "OLDEST");
        for (TopSnapshot.Queue q : s.queues()) {
            queues.row(
                    q.name(),
                    q.queue() == null ? "-" : q.queue(),
                    q.visible() == null ? "-" : Long.toString(q.visible()),
                    q.inFlight() == null ? "-" : Long.toString(q.inFlight()),
                    q.oldestAgeSeconds() == null ? "-" : q.oldestAgeSeconds() + " s");
        }
        queues.print(out);
        out.println();
        String state = s.breaker().state();
        out.println("breaker  "
                + ("open".equals(state)
                        ? paint.apply("31", state)
                        : "closed".equals(state) ? paint.apply("32", state) : state)
                + (s.breaker().since() == null ? "" : " since " + s.breaker().since())
                + (s.breaker().detail() == null ? "" : "  (" + s.breaker().detail() + ")"));
        out.println();
        Table latency = new Table("LATENCY", "P50 MS", "P95 MS", "MAX MS", "SAMPLES");
        for (TopSnapshot.Latency l : s.latency()) {
            latency.row(
                    l.name(),
                    number(l.p50Ms()),
                    number(l.p95Ms()),
                    number(l.maxMs()),
                    l.samples() == null ? "-" : Long.toString(l.samples()));
        }
        latency.print(out);
        for (String note : s.notes()) {
            out.println("note: " + note);
        }
        if (footer != null) {
            out.println(footer);
        }
        out.flush();
        return buf.toString();
    }

    /** An instant to the second, in UTC; anything else as it came. */
    static String time(String at) {
        try {
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .withZone(java.time.ZoneOffset.UTC)
                    .format(java.time.Instant.parse(at));
        } catch (RuntimeException e) {
            return at;
        }
    }

    static String number(Double v) {
        if (v == null) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString(v.longValue());
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
