package dev.cva.reporter;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.reporter.aws.DynamoAnalyticsReader;
import dev.cva.reporter.aws.DynamoReportMarkers;
import dev.cva.reporter.aws.SesMailer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Lambda entry point on the EventBridge schedule {@code cron(0 7 ? * MON *)}. The input is the scheduled event (a
 * map); {@code {"week":"2026-W47"}} (top level or in {@code detail}) names a week explicitly, and
 * {@code "force":true} re-sends a week that was already sent or is in doubt. Returns {@code week}, {@code status}
 * ({@code sent | empty | already-sent | in-doubt}) and {@code messageId}.
 *
 * <p>Environment: {@code ANALYTICS_TABLE}, {@code QUERY_EVENTS_TABLE} (holds the markers; or
 * {@code REPORT_MARKER_TABLE}), {@code REPORT_FROM}, {@code REPORT_TO} (comma-separated), {@code AWS_REGION}.
 */
public class ReporterHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final WeeklyReporter reporter;
    private final JsonLog log;
    private final Clock clock;

    /** For the Lambda runtime: everything from the environment. */
    public ReporterHandler() {
        this(ReporterConfig.fromEnv(System.getenv()));
    }

    private ReporterHandler(ReporterConfig config) {
        this(
                config,
                DynamoDbClient.builder()
                        .region(Region.of(config.region()))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build(),
                SesV2Client.builder()
                        .region(Region.of(config.region()))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build(),
                Clock.systemUTC(),
                new JsonLog("reporter"),
                null);
    }

    /** For tests: injected clients, clock, log and GSI page size ({@code null}: DynamoDB's default pages). */
    public ReporterHandler(
            ReporterConfig config, DynamoDbClient dynamo, SesV2Client ses, Clock clock, JsonLog log, Integer pageSize) {
        this.clock = clock;
        this.log = log;
        this.reporter = new WeeklyReporter(
                new DynamoAnalyticsReader(dynamo, config.analyticsTable(), config.weekIndex(), pageSize),
                new DynamoReportMarkers(dynamo, config.markerTable()),
                new SesMailer(ses),
                new ReportRenderer(),
                config.from(),
                config.to(),
                clock,
                log);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        IsoWeek week = requestedWeek(input);
        boolean force = input != null && Boolean.TRUE.equals(input.get("force"));
        boolean dryRun = input != null && Boolean.TRUE.equals(input.get("dryRun"));
        IsoWeek chosen = week == null ? IsoWeek.lastFull(clock) : week;
        // every line of this invocation carries its AWS request id
        WeeklyReporter invocation =
                reporter.withLog(log.with("awsRequestId", context == null ? null : context.getAwsRequestId()));
        WeeklyReporter.Result r = dryRun ? invocation.dryRun(chosen) : invocation.run(chosen, force);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("week", r.week().toString());
        out.put("status", r.status().wire());
        out.put("messageId", r.messageId());
        return out;
    }

    static IsoWeek requestedWeek(Map<String, Object> input) {
        if (input == null) {
            return null;
        }
        Object week = input.get("week");
        if (week == null && input.get("detail") instanceof Map<?, ?> detail) {
            week = detail.get("week");
        }
        return week == null ? null : IsoWeek.parse(week.toString());
    }
}
