package dev.cva.reporter;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the weekly report as HTML (escaped) and plain text from JMustache templates on the classpath. */
public final class ReportRenderer {
    public record Rendered(String subject, String html, String text) {}

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.UK);

    private final Template html;
    private final Template text;

    public ReportRenderer() {
        this.html = Mustache.compiler().escapeHTML(true).compile(resource("templates/weekly-report.html.mustache"));
        this.text = Mustache.compiler().escapeHTML(false).compile(resource("templates/weekly-report.txt.mustache"));
    }

    public static String subject(IsoWeek week) {
        return "CV Analytics Weekly Report - Week " + week;
    }

    public Rendered render(WeeklyStats s) {
        Map<String, Object> model = new HashMap<>();
        model.put("week", s.week().toString());
        model.put("from", DAY.format(s.week().monday()));
        model.put("to", DAY.format(s.week().sunday()));
        model.put("empty", s.empty());
        model.put("totalQueries", s.totalQueries());
        model.put("uniqueSessions", s.uniqueSessions());
        model.put("anonymousQueries", s.anonymousQueries());
        List<Map<String, Object>> types = new ArrayList<>();
        s.matchTypes()
                .forEach((type, count) -> types.add(Map.of(
                        "type",
                        type,
                        "count",
                        count,
                        "percent",
                        String.format(
                                Locale.ROOT, "%.1f", s.totalQueries() == 0 ? 0.0 : 100.0 * count / s.totalQueries()))));
        model.put("matchTypes", types);
        model.put("averageMatchScore", String.format(Locale.ROOT, "%.1f", s.averageMatchScore()));
        // a missing latency is unknown, not zero: "n/a" when no record of the week has one
        model.put("p50", s.latencyKnown() ? s.latencyP50() + " ms" : "n/a");
        model.put("p95", s.latencyKnown() ? s.latencyP95() + " ms" : "n/a");
        model.put("p99", s.latencyKnown() ? s.latencyP99() + " ms" : "n/a");
        model.put("latencyPartial", s.latencyKnown() && s.latencyCount() < s.totalQueries());
        model.put("latencyNone", !s.latencyKnown() && !s.empty());
        model.put("latencyCount", s.latencyCount());
        List<Map<String, Object>> top = new ArrayList<>();
        for (int i = 0; i < s.topQueries().size(); i++) {
            top.add(Map.of(
                    "rank",
                    i + 1,
                    "query",
                    s.topQueries().get(i).query(),
                    "count",
                    s.topQueries().get(i).count()));
        }
        model.put("topQueries", top);
        model.put("hasTopQueries", !top.isEmpty());
        return new Rendered(subject(s.week()), html.execute(model), text.execute(model));
    }

    private static String resource(String path) {
        try (InputStream in = ReportRenderer.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("template missing from the classpath: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
