package dev.cva.cli.top;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva top --env prod}: the real CloudWatch client against an RPCv2-CBOR fake of GetMetricData (found through
 * the SDK's own endpoint setting, the system-property twin of {@code AWS_ENDPOINT_URL_CLOUDWATCH}), and the real
 * Cloud Monitoring client against an in-process gRPC MetricService ({@code cost.monitoringEndpoint}).
 */
class TopCloudTest {
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final List<String> PROPS = List.of("aws.endpointUrlCloudWatch", "aws.accessKeyId", "aws.secretAccessKey");

    @TempDir
    Path dir;

    FakeCloudWatch cloudWatch;
    FakeMetricService monitoring;

    @BeforeEach
    void fakes() throws Exception {
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), dir.resolve("cva.yaml"));
        cloudWatch = new FakeCloudWatch();
        monitoring = new FakeMetricService(
                Map.of("2xx", 290L, "5xx", 10L),
                Map.of(Aggregation.Aligner.ALIGN_PERCENTILE_50, 42.0, Aggregation.Aligner.ALIGN_PERCENTILE_95, 180.0));
        System.setProperty("aws.endpointUrlCloudWatch", cloudWatch.endpoint());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @AfterEach
    void close() throws Exception {
        PROPS.forEach(System::clearProperty);
        cloudWatch.close();
        monitoring.close();
    }

    CliHarness cli() {
        return new CliHarness(dir)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .env("CVA_COST_MONITORING_ENDPOINT", monitoring.endpoint());
    }

    static Map<String, String> queue(String name) {
        return Map.of("QueueName", name);
    }

    static Map<String, String> fn(String name) {
        return Map.of("FunctionName", name);
    }

    @Test
    void theProdViewComesFromCloudWatchAndCloudMonitoringByTheNamesOfCvaYaml() throws Exception {
        cloudWatch
                .put(
                        "AWS/SQS",
                        "ApproximateNumberOfMessagesVisible",
                        queue("cv-analytics-queue.fifo"),
                        "Maximum",
                        12,
                        30,
                        8)
                .put("AWS/SQS", "ApproximateNumberOfMessagesNotVisible", queue("cv-analytics-queue.fifo"), "Maximum", 3)
                .put("AWS/SQS", "ApproximateAgeOfOldestMessage", queue("cv-analytics-queue.fifo"), "Maximum", 45)
                .put("AWS/SQS", "NumberOfMessagesSent", queue("cv-analytics-queue.fifo"), "Sum", 60, 60, 60, 60, 60)
                .put("AWS/SQS", "NumberOfMessagesDeleted", queue("cv-analytics-queue.fifo"), "Sum", 30, 30, 30, 30, 30)
                .put("AWS/SQS", "ApproximateNumberOfMessagesVisible", queue("planned-dlq.fifo"), "Maximum", 0)
                .put("AWS/SQS", "ApproximateNumberOfMessagesVisible", queue("cv-analytics-webhook-dlq"), "Maximum", 7)
                .put("AWS/SQS", "ApproximateAgeOfOldestMessage", queue("cv-analytics-webhook-dlq"), "Maximum", 1800)
                .put("AWS/SQS", "NumberOfMessagesSent", queue("cv-analytics-webhook-dlq"), "Sum", 3, 0, 0)
                .put("AWS/Lambda", "Errors", fn("cv-analytics-processor"), "Sum", 1, 0, 0, 0, 2)
                .put("AWS/Lambda", "Duration", fn("cv-analytics-processor"), "p50", 120, 150)
                .put("AWS/Lambda", "Duration", fn("cv-analytics-processor"), "p95", 400, 900)
                .put("AWS/Lambda", "Duration", fn("cv-analytics-notifier"), "p95", 800)
                .put("AWS/Lambda", "IteratorAge", fn("cv-analytics-notifier"), "Maximum", 1500, 9000)
                .put("CVAnalytics/Notifier", "BreakerOpen", Map.of(), "Sum", 0, 2, 0)
                .put("CVAnalytics/Notifier", "WebhooksDelivered", Map.of(), "Sum", 6, 6, 6, 6, 3);

        // a CVA_* override reaches the query: one source of names, the settings
        CliHarness.Result r = cli().env("CVA_AWS_DLQ", "planned-dlq.fifo").run("--env", "prod", "--json", "top");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = CvaContext.json().readTree(r.out());
        assertThat(j.path("environment").asText()).isEqualTo("prod");
        assertThat(j.path("windowSeconds").asDouble()).isEqualTo(300.0);
        JsonNode processor = TopLocalTest.part(j, "processor");
        assertThat(processor.path("inPerSecond").asDouble()).isEqualTo(1.0); // 300 sent in 300 s
        assertThat(processor.path("outPerSecond").asDouble()).isEqualTo(0.5); // 150 deleted
        assertThat(processor.path("errorsPerSecond").asDouble()).isEqualTo(0.01);
        JsonNode notifier = TopLocalTest.part(j, "notifier");
        assertThat(notifier.path("inPerSecond").asDouble()).isEqualTo(0.1); // 27 delivered + 3 dead-lettered
        assertThat(notifier.path("outPerSecond").asDouble()).isEqualTo(0.09);
        assertThat(notifier.path("errorsPerSecond").asDouble()).isEqualTo(0.01);
        JsonNode receiver = TopLocalTest.part(j, "receiver");
        assertThat(receiver.path("inPerSecond").asDouble()).isEqualTo(1.0);
        assertThat(receiver.path("outPerSecond").asDouble()).isEqualTo(0.97);
        assertThat(receiver.path("errorsPerSecond").asDouble()).isEqualTo(0.03);

        JsonNode events = TopLocalTest.queue(j, "events");
        assertThat(events.path("visible").asLong()).as("the newest minute").isEqualTo(12);
        assertThat(events.path("inFlight").asLong()).isEqualTo(3);
        assertThat(events.path("oldestAgeSeconds").asLong()).isEqualTo(45);
        assertThat(TopLocalTest.queue(j, "dlq").path("queue").asText()).isEqualTo("planned-dlq.fifo");
        assertThat(TopLocalTest.queue(j, "webhookDlq").path("oldestAgeSeconds").asLong())
                .isEqualTo(1800);
        assertThat(TopLocalTest.queue(j, "streamFailureDlq").path("visible").isNull())
                .as("no data: null, not 0")
                .isTrue();

        assertThat(j.path("breaker").path("state").asText()).isEqualTo("open");
        assertThat(j.path("breaker").path("detail").asText()).contains("opened 2 time(s)");
        assertThat(TopLocalTest.latency(j, "processor").path("p50Ms").asDouble())
                .isEqualTo(150.0);
        assertThat(TopLocalTest.latency(j, "processor").path("p95Ms").asDouble())
                .isEqualTo(900.0);
        assertThat(TopLocalTest.latency(j, "notifier").path("p95Ms").asDouble()).isEqualTo(800.0);
        assertThat(TopLocalTest.latency(j, "streamIteratorAge").path("maxMs").asDouble())
                .isEqualTo(9000.0);
        assertThat(TopLocalTest.latency(j, "receiver").path("p50Ms").asDouble()).isEqualTo(42.0);
        assertThat(TopLocalTest.latency(j, "receiver").path("p95Ms").asDouble()).isEqualTo(180.0);

        // one GetMetricData over two pages (the paginator followed NextToken), 5 minutes to now, by the minute
        assertThat(cloudWatch.requests).hasSize(2);
        JsonNode first = cloudWatch.requests.get(0);
        assertThat(first.path("EndTime").asDouble()).isEqualTo(NOW.getEpochSecond());
        assertThat(first.path("StartTime").asDouble())
                .isEqualTo(NOW.minusSeconds(300).getEpochSecond());
        assertThat(cloudWatch.requests.get(1).path("NextToken").asText()).isEqualTo("page-2");
        Set<String> dims = new TreeSet<>();
        first.path("MetricDataQueries").forEach(q -> {
            assertThat(q.path("MetricStat").path("Period").asInt()).isEqualTo(60);
            q.path("MetricStat")
                    .path("Metric")
                    .path("Dimensions")
                    .forEach(d -> dims.add(d.path("Value").asText()));
        });
        assertThat(dims)
                .containsExactly(
                        "cv-analytics-notifier",
                        "cv-analytics-notifier-stream-failures",
                        "cv-analytics-processor",
                        "cv-analytics-queue.fifo",
                        "cv-analytics-webhook-dlq",
                        "planned-dlq.fifo");

        // Cloud Monitoring: the receiver's Cloud Run service by gcp.function, the project of cva.yaml, every page
        List<String> filters = new ArrayList<>();
        for (ListTimeSeriesRequest q : monitoring.requests) {
            assertThat(q.getName()).isEqualTo("projects/cv-analytics-prod");
            assertThat(q.getFilter()).contains("resource.labels.service_name=\"cv-analytics-receiver\"");
            assertThat(q.getInterval().getEndTime().getSeconds()).isEqualTo(NOW.getEpochSecond());
            filters.add(q.getFilter().replaceAll("^metric\\.type=\"([^\"]+)\".*$", "$1") + " " + q.getPageToken());
        }
        assertThat(filters)
                .containsExactly(
                        "run.googleapis.com/request_count ",
                        "run.googleapis.com/request_count 1",
                        "run.googleapis.com/request_latencies ",
                        "run.googleapis.com/request_latencies ");
    }

    @Test
    void aRefusedCallIsOneClearMessageWithTheMissingPermission() {
        cloudWatch.deny = true;

        CliHarness.Result r = cli().run("--env", "prod", "top", "--once");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err())
                .contains(
                        "cva: CloudWatch GetMetricData failed: User is not authorized to perform: cloudwatch:GetMetricData")
                .contains("hint: the caller needs cloudwatch:GetMetricData")
                .doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }
}
