package dev.cva.cli.top;

import com.google.monitoring.v3.Aggregation;
import dev.cva.cli.CvaContext;
import dev.cva.cli.config.Settings;
import dev.cva.cli.cost.gcp.MonitoringUsageSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code cva top} on a cloud environment: the last {@link #WINDOW} of CloudWatch metrics for the queues, the processor
 * and notifier functions and the stream mapping, and of Cloud Monitoring for the receiver. Every name comes from the
 * environment's settings (cva.yaml): the queues, {@code <project>-<service>} for the functions, {@code gcp.function}
 * for the receiver's Cloud Run service. Metrics arrive by the minute, a few minutes late: this is a slower view than
 * the local one, and it says so in {@code notes}.
 */
final class CloudTopSource implements TopSource {
    static final Duration WINDOW = Duration.ofMinutes(5);
    static final int PERIOD = 60;

    private final String environment;
    private final Settings settings;
    private final String project;
    private final CloudWatchMetrics aws;
    private final ReceiverMonitoring gcp;
    private final Clock clock;

    CloudTopSource(String environment, Settings settings, CloudWatchMetrics aws, ReceiverMonitoring gcp, Clock clock) {
        this.environment = environment;
        this.settings = settings;
        String p = settings.config().project();
        this.project = p == null || p.isBlank() ? "cv-analytics" : p;
        this.aws = aws;
        this.gcp = gcp;
        this.clock = clock;
    }

    static CloudTopSource of(CvaContext ctx) {
        Settings s = ctx.settings();
        CloudWatchMetrics aws = CloudWatchMetrics.of(s.require("aws.region"));
        ReceiverMonitoring gcp = new ReceiverMonitoring(
                MonitoringUsageSource.client(s.get("cost.monitoringEndpoint")),
                s.require("gcp.project"),
                s.require("gcp.function"));
        return new CloudTopSource(ctx.environmentName(), s, aws, gcp, ctx.clock());
    }

    @Override
    public Duration resolution() {
        return Duration.ofSeconds(PERIOD);
    }

    private String fn(String service) {
        return project + "-" + service;
    }

    /** The queries, ids as GetMetricData wants them (a lower-case letter first). */
    List<CloudWatchMetrics.Query> queries() {
        List<CloudWatchMetrics.Query> q = new ArrayList<>();
        for (String[] queue : LocalTopSource.QUEUES) {
            Map<String, String> dim = Map.of("QueueName", settings.require(queue[2]));
            q.add(new CloudWatchMetrics.Query(
                    queue[0] + "Visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", dim, "Maximum"));
            q.add(new CloudWatchMetrics.Query(
                    queue[0] + "InFlight", "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", dim, "Maximum"));
            q.add(new CloudWatchMetrics.Query(
                    queue[0] + "Age", "AWS/SQS", "ApproximateAgeOfOldestMessage", dim, "Maximum"));
        }
        Map<String, String> events = Map.of("QueueName", settings.require("aws.queue"));
        q.add(new CloudWatchMetrics.Query("eventsSent", "AWS/SQS", "NumberOfMessagesSent", events, "Sum"));
        q.add(new CloudWatchMetrics.Query("eventsDeleted", "AWS/SQS", "NumberOfMessagesDeleted", events, "Sum"));
        q.add(new CloudWatchMetrics.Query(
                "webhookDlqSent",
                "AWS/SQS",
                "NumberOfMessagesSent",
                Map.of("QueueName", settings.require("aws.webhookDlq")),
                "Sum"));
        for (String service : List.of("processor", "notifier")) {
            Map<String, String> dim = Map.of("FunctionName", fn(service));
            q.add(new CloudWatchMetrics.Query(service + "Errors", "AWS/Lambda", "Errors", dim, "Sum"));
            q.add(new CloudWatchMetrics.Query(service + "P50", "AWS/Lambda", "Duration", dim, "p50"));
            q.add(new CloudWatchMetrics.Query(service + "P95", "AWS/Lambda", "Duration", dim, "p95"));
        }
        q.add(new CloudWatchMetrics.Query(
                "iteratorAge", "AWS/Lambda", "IteratorAge", Map.of("FunctionName", fn("notifier")), "Maximum"));
        // the notifier's log metric filters (infra/services/notifier): one per breaker_open / webhook delivered line
        q.add(new CloudWatchMetrics.Query("breakerOpen", "CVAnalytics/Notifier", "BreakerOpen", Map.of(), "Sum"));
        q.add(new CloudWatchMetrics.Query("delivered", "CVAnalytics/Notifier", "WebhooksDelivered", Map.of(), "Sum"));
        return q;
    }

    @Override
    public TopSnapshot read() {
        Instant end = clock.instant();
        double seconds = WINDOW.toSeconds();
        CloudWatchMetrics.Results r = aws.read(queries(), end, WINDOW, PERIOD);
        ReceiverMonitoring.Requests requests = gcp.requests(end, WINDOW);
        Double receiverP50 = gcp.latency(Aggregation.Aligner.ALIGN_PERCENTILE_50, end, WINDOW);
        Double receiverP95 = gcp.latency(Aggregation.Aligner.ALIGN_PERCENTILE_95, end, WINDOW);

        List<TopSnapshot.Part> parts = List.of(
                new TopSnapshot.Part(
                        "processor",
                        rate(r.sum("eventsSent"), seconds),
                        rate(r.sum("eventsDeleted"), seconds),
                        rate(r.sum("processorErrors"), seconds),
                        "in: events sent to the queue; out: events deleted "
                                + "from it (handled); errors: failed invocations (CloudWatch, AWS/SQS and AWS/Lambda)"),
                new TopSnapshot.Part(
                        "notifier",
                        rate(plus(r.sum("delivered"), r.sum("webhookDlqSent")), seconds),
                        rate(r.sum("delivered"), seconds),
                        rate(r.sum("webhookDlqSent"), seconds),
                        "in: records sent or "
                                + "dead-lettered; out: webhooks delivered (WebhooksDelivered, its log metric filter); errors: "
                                + "webhooks dead-lettered (sent to the webhook DLQ)"),
                new TopSnapshot.Part(
                        "receiver",
                        rate((double) requests.total(), seconds),
                        rate((double) requests.ok(), seconds),
                        rate((double) (requests.total() - requests.ok()), seconds),
                        "in: requests; out: 2xx answers; "
                                + "errors: other answers (Cloud Monitoring, run.googleapis.com/request_count)"));
        List<TopSnapshot.Queue> queues = new ArrayList<>();
        for (String[] queue : LocalTopSource.QUEUES) {
            queues.add(new TopSnapshot.Queue(
                    queue[0],
                    settings.get(queue[2]),
                    whole(r.latest(queue[0] + "Visible")),
                    whole(r.latest(queue[0] + "InFlight")),
                    whole(r.latest(queue[0] + "Age"))));
        }
        Double opened = r.sum("breakerOpen");
        TopSnapshot.Breaker breaker = opened == null
                ? new TopSnapshot.Breaker(
                        "unknown",
                        null,
                        "no BreakerOpen data in the window (the notifier logged none, or it has not run)")
                : new TopSnapshot.Breaker(
                        opened > 0 ? "open" : "closed",
                        null,
                        String.format(
                                "opened %d time(s) in the last %d minutes (BreakerOpen)",
                                Math.round(opened), WINDOW.toMinutes()));
        List<TopSnapshot.Latency> latency = List.of(
                new TopSnapshot.Latency(
                        "processor",
                        r.max("processorP50"),
                        r.max("processorP95"),
                        null,
                        null,
                        "Lambda Duration of an invocation (a batch)"),
                new TopSnapshot.Latency(
                        "notifier",
                        r.max("notifierP50"),
                        r.max("notifierP95"),
                        null,
                        null,
                        "Lambda Duration of an invocation (a batch)"),
                new TopSnapshot.Latency(
                        "receiver",
                        receiverP50,
                        receiverP95,
                        null,
                        null,
                        "Cloud Run request latency (run.googleapis.com/request_latencies)"),
                new TopSnapshot.Latency(
                        "streamIteratorAge",
                        null,
                        null,
                        r.max("iteratorAge"),
                        null,
                        "age of the newest stream record the notifier got (IteratorAge, maximum)"));
        return new TopSnapshot(
                environment,
                end.toString(),
                seconds,
                "CloudWatch (GetMetricData) and Cloud Monitoring (ListTimeSeries)",
                parts,
                queues,
                breaker,
                latency,
                List.of("metrics come by the minute and a few minutes late: figures over the last " + WINDOW.toMinutes()
                        + " minutes; p50/p95 of a minute are the worst minute's"));
    }

    private static Double rate(Double sum, double seconds) {
        return sum == null ? null : Math.round(sum / seconds * 100) / 100.0;
    }

    private static Double plus(Double a, Double b) {
        return a == null && b == null ? null : (a == null ? 0 : a) + (b == null ? 0 : b);
    }

    private static Long whole(Double v) {
        return v == null ? null : Math.round(v);
    }

    @Override
    public void close() {
        aws.close();
        gcp.close();
    }
}
