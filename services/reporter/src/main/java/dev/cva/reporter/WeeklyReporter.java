package dev.cva.reporter;

import dev.cva.contracts.logging.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Builds and sends one week's report, at most once per week.
 *
 * <p>Order and crash windows: the records are read and the mail rendered first (no side effects); then the week's
 * marker is claimed with a conditional create; then the mail is sent; then the marker is marked {@code sent}.
 * <ul>
 *   <li>A retry after a completed run finds {@code sent}: nothing is sent again.</li>
 *   <li>Two overlapping invocations: only one claim succeeds.</li>
 *   <li>A send that SES definitely refused or that failed before reaching it releases the marker and fails the
 *       invocation, so the schedule's retry sends the report.</li>
 *   <li>A crash between claim and {@code sent} (the mail may or may not have gone out) leaves a {@code sending}
 *       marker. Within the lease another invocation is assumed to be sending; after it the week is reported
 *       {@code in-doubt} and not re-sent: at-most-once wins over at-least-once. An operator can re-send with
 *       {@code {"week":"2026-W47","force":true}}.</li>
 * </ul>
 */
public final class WeeklyReporter {
    public static final Duration LEASE = Duration.ofMinutes(15);
    /** The metric a mailed report counts in (EMF, dimension {@code service}); infra/services/reporter alarms on it. */
    public static final String NAMESPACE = "CvAnalytics";

    public static final String METRIC = "ReportsSent";

    public enum Status {
        SENT,
        EMPTY,
        ALREADY_SENT,
        IN_DOUBT,
        DRY_RUN;

        public String wire() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    public record Result(IsoWeek week, Status status, String messageId) {}

    private final AnalyticsReader reader;
    private final ReportMarkers markers;
    private final Mailer mailer;
    private final ReportRenderer renderer;
    private final String from;
    private final List<String> to;
    private final Clock clock;
    private final JsonLog log;

    public WeeklyReporter(
            AnalyticsReader reader,
            ReportMarkers markers,
            Mailer mailer,
            ReportRenderer renderer,
            String from,
            List<String> to,
            Clock clock,
            JsonLog log) {
        this.reader = reader;
        this.markers = markers;
        this.mailer = mailer;
        this.renderer = renderer;
        this.from = from;
        this.to = List.copyOf(to);
        this.clock = clock;
        this.log = log;
    }

    /** This reporter logging to {@code log} (e.g. one invocation's, with its awsRequestId). */
    public WeeklyReporter withLog(JsonLog log) {
        return new WeeklyReporter(reader, markers, mailer, renderer, from, to, clock, log);
    }

    /**
     * Reads and renders the week's report and sends nothing, touching no marker: the deploy smoke test
     * ({@code {"dryRun":true}}). Proves the table, the index and the renderer work in the new version.
     */
    public Result dryRun(IsoWeek week) {
        WeeklyStats stats = WeeklyStats.of(week, reader.week(week));
        ReportRenderer.Rendered mail = renderer.render(stats);
        log.info(
                "report rendered (dry run, not sent)",
                "week",
                week.toString(),
                "subject",
                mail.subject(),
                "totalQueries",
                stats.totalQueries());
        return new Result(week, Status.DRY_RUN, null);
    }

    public Result run(IsoWeek week, boolean force) {
        List<ReportRow> rows = reader.week(week);
        WeeklyStats stats = WeeklyStats.of(week, rows);
        ReportRenderer.Rendered mail = renderer.render(stats);

        Instant now = clock.instant();
        if (!markers.claim(week, now, force)) {
            ReportMarkers.Marker m = markers.find(week);
            if (m != null
                    && ReportMarkers.Marker.SENDING.equals(m.state())
                    && m.claimedAt() != null
                    && m.claimedAt().plus(LEASE).isBefore(now)) {
                log.error(
                        "report in doubt: an earlier run claimed this week and did not finish; not re-sending",
                        "week",
                        week.toString(),
                        "claimedAt",
                        m.claimedAt().toString(),
                        "hint",
                        "invoke with {\"week\":\"" + week + "\",\"force\":true} to send it again");
                return new Result(week, Status.IN_DOUBT, null);
            }
            log.info(
                    "report already sent",
                    "week",
                    week.toString(),
                    "state",
                    m == null ? null : m.state(),
                    "messageId",
                    m == null ? null : m.messageId());
            return new Result(week, Status.ALREADY_SENT, m == null ? null : m.messageId());
        }

        String messageId;
        try {
            messageId = mailer.send(new Mailer.Email(from, to, mail.subject(), mail.html(), mail.text()));
        } catch (RuntimeException e) {
            try {
                markers.release(week);
            } catch (RuntimeException releaseFailed) {
                log.error(
                        "could not release the report marker after a failed send",
                        "week",
                        week.toString(),
                        "reason",
                        releaseFailed.getMessage());
            }
            log.error("report not sent", "week", week.toString(), "reason", e.getMessage());
            throw e;
        }
        try {
            markers.markSent(week, messageId, clock.instant());
        } catch (RuntimeException e) {
            // the mail went out; the marker stays "sending", which a retry treats as in progress / in doubt
            log.error(
                    "report sent but its marker could not be updated",
                    "week",
                    week.toString(),
                    "messageId",
                    messageId,
                    "reason",
                    e.getMessage());
        }
        Status status = stats.empty() ? Status.EMPTY : Status.SENT;
        // Also an Embedded Metric Format record: the log group turns it into CvAnalytics/ReportsSent
        // (service=reporter),
        // which the "no report this week" alarm sums over 7 days; no PutMetricData call, no grant.
        log.info(
                "report sent",
                "week",
                week.toString(),
                "status",
                status.wire(),
                "messageId",
                messageId,
                "totalQueries",
                stats.totalQueries(),
                METRIC,
                1,
                "_aws",
                Map.of(
                        "Timestamp", clock.millis(),
                        "CloudWatchMetrics",
                                List.of(Map.of(
                                        "Namespace", NAMESPACE,
                                        "Dimensions", List.of(List.of("service")),
                                        "Metrics", List.of(Map.of("Name", METRIC, "Unit", "Count"))))));
        return new Result(week, status, messageId);
    }
}
