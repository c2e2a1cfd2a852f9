package dev.cva.local.lambda;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cva.local.LocalRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Lambda function's event source mapping settings, as {@code services.<name>.eventSource} in {@code cva.yaml}:
 * the one place the Terraform ({@code aws_lambda_event_source_mapping}), the local runtime and the tests read
 * them from. Absent values take Lambda's defaults for the source type. {@code visibilityTimeoutSeconds} is the SQS
 * source queue's own setting (the Terraform's event queue; absent: six times the function's timeout).
 *
 * <p>{@link #problems} refuses what AWS refuses (or, for the visibility timeout, advises against) before any
 * deploy, with the ranges AWS documents:
 * <a href="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html">SQS parameters</a> (FIFO batch
 * size at most 10; "Batching window is not supported for FIFO queues"),
 * <a href="https://docs.aws.amazon.com/lambda/latest/dg/API_ScalingConfig.html">ScalingConfig</a>
 * (maximumConcurrency 2..1000),
 * <a href="https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html">DynamoDB stream parameters</a> and
 * <a href="https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html">CreateEventSourceMapping</a>
 * (batch size 1..10000, batching window 0..300, maximumRetryAttempts -1..10000, maximumRecordAgeInSeconds -1 or
 * 60..604800, parallelizationFactor 1..10),
 * <a href="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html">SQS event source
 * configuration</a> (the queue's visibility timeout at least six times the function's timeout; SQS allows at most
 * 43200 s).
 */
public record EventSource(
        Integer batchSize,
        Integer maximumConcurrency,
        Integer maximumBatchingWindowSeconds,
        String startingPosition,
        Integer maximumRetryAttempts,
        Boolean bisectBatchOnFunctionError,
        Integer maximumRecordAgeInSeconds,
        Integer parallelizationFactor,
        Integer visibilityTimeoutSeconds) {

    /** SQS: batch 10 (the FIFO maximum), at most 2 concurrent invocations (Lambda's minimum maximum). */
    public static final EventSource SQS_DEFAULTS = new EventSource(10, 2, 0, null, null, null, null, null);
    /** DynamoDB stream: batch 100, from the oldest record, 3 retries with bisect on error. */
    public static final EventSource STREAM_DEFAULTS = new EventSource(100, 1, 0, "TRIM_HORIZON", 3, true, 86400, 1);

    /** Without a queue visibility timeout (stream sources, and SQS sources that take six times the function's). */
    public EventSource(
            Integer batchSize,
            Integer maximumConcurrency,
            Integer maximumBatchingWindowSeconds,
            String startingPosition,
            Integer maximumRetryAttempts,
            Boolean bisectBatchOnFunctionError,
            Integer maximumRecordAgeInSeconds,
            Integer parallelizationFactor) {
        this(
                batchSize,
                maximumConcurrency,
                maximumBatchingWindowSeconds,
                startingPosition,
                maximumRetryAttempts,
                bisectBatchOnFunctionError,
                maximumRecordAgeInSeconds,
                parallelizationFactor,
                null);
    }

    /** The two kinds of source this project maps: its FIFO event queue and the analytics table's stream. */
    public enum Kind {
        SQS_FIFO,
        DYNAMODB_STREAM
    }

    /** One refused setting: its key under {@code eventSource} and why. */
    public record Problem(String key, String message) {}

    /**
     * The kind these settings describe: a stream when any stream-only setting is present (a stream mapping needs
     * its {@code startingPosition}), else an SQS queue, which in this project is always the FIFO event queue
     * (infra/modules/event-queue accepts only {@code .fifo} names).
     */
    public Kind kind() {
        return startingPosition != null
                        || maximumRetryAttempts != null
                        || bisectBatchOnFunctionError != null
                        || maximumRecordAgeInSeconds != null
                        || parallelizationFactor != null
                ? Kind.DYNAMODB_STREAM
                : Kind.SQS_FIFO;
    }

    /** The SQS queue's visibility timeout: as set, else six times the function's timeout (AWS's advice). */
    public int visibilityTimeoutSeconds(int functionTimeoutSeconds) {
        return visibilityTimeoutSeconds != null ? visibilityTimeoutSeconds : 6 * functionTimeoutSeconds;
    }

    /**
     * The settings AWS would refuse for a source of {@link #kind()} (see the class comment for the pages), in key
     * order; empty when all are accepted.
     *
     * @param functionTimeoutSeconds the function's timeout, or null when unknown (then the visibility is not compared)
     */
    public java.util.List<Problem> problems(Integer functionTimeoutSeconds) {
        java.util.List<Problem> p = new java.util.ArrayList<>();
        if (kind() == Kind.SQS_FIFO) {
            range(p, "batchSize", batchSize, 1, 10, "the maximum for an SQS FIFO queue is 10");
            if (maximumBatchingWindowSeconds != null && maximumBatchingWindowSeconds != 0) {
                p.add(
                        new Problem(
                                "maximumBatchingWindowSeconds",
                                maximumBatchingWindowSeconds
                                        + ": AWS Lambda does not support a batching window on an SQS FIFO queue; use 0 or leave it out"));
            }
            range(p, "maximumConcurrency", maximumConcurrency, 2, 1000, "Lambda's ScalingConfig allows 2..1000");
            range(p, "visibilityTimeoutSeconds", visibilityTimeoutSeconds, 0, 43200, "SQS allows 0..43200");
            if (visibilityTimeoutSeconds != null
                    && functionTimeoutSeconds != null
                    && visibilityTimeoutSeconds <= 43200
                    && visibilityTimeoutSeconds < 6 * functionTimeoutSeconds) {
                p.add(
                        new Problem(
                                "visibilityTimeoutSeconds",
                                visibilityTimeoutSeconds + " is below six times the"
                                        + " function's timeout (6 x " + functionTimeoutSeconds + " s = "
                                        + 6 * functionTimeoutSeconds
                                        + " s), as AWS advises for an SQS event source: a batch still running would be received again"));
            }
        } else {
            range(p, "batchSize", batchSize, 1, 10000, "the maximum for a DynamoDB stream is 10000");
            range(p, "maximumBatchingWindowSeconds", maximumBatchingWindowSeconds, 0, 300, "Lambda allows 0..300");
            if (startingPosition != null
                    && !startingPosition.equals("TRIM_HORIZON")
                    && !startingPosition.equals("LATEST")) {
                p.add(new Problem(
                        "startingPosition", startingPosition + ": a DynamoDB stream starts at TRIM_HORIZON or LATEST"));
            }
            range(p, "maximumRetryAttempts", maximumRetryAttempts, -1, 10000, "Lambda allows -1 (forever)..10000");
            if (maximumRecordAgeInSeconds != null
                    && maximumRecordAgeInSeconds != -1
                    && (maximumRecordAgeInSeconds < 60 || maximumRecordAgeInSeconds > 604800)) {
                p.add(new Problem(
                        "maximumRecordAgeInSeconds",
                        maximumRecordAgeInSeconds + " is outside -1 (forever) or 60..604800, what Lambda allows"));
            }
            range(p, "parallelizationFactor", parallelizationFactor, 1, 10, "Lambda allows 1..10");
            if (maximumConcurrency != null && maximumConcurrency != 1) {
                p.add(
                        new Problem(
                                "maximumConcurrency",
                                maximumConcurrency
                                        + ": a DynamoDB stream has no maximum concurrency (parallelizationFactor sets batches per shard)"));
            }
            if (visibilityTimeoutSeconds != null) {
                p.add(new Problem("visibilityTimeoutSeconds", "a DynamoDB stream has no visibility timeout"));
            }
        }
        return p;
    }

    private static void range(java.util.List<Problem> p, String key, Integer value, int min, int max, String why) {
        if (value != null && (value < min || value > max)) {
            p.add(new Problem(key, value + " is outside " + min + ".." + max + " (" + why + ")"));
        }
    }

    /** These settings with absent values taken from {@code defaults}. */
    public EventSource or(EventSource defaults) {
        return new EventSource(
                batchSize != null ? batchSize : defaults.batchSize,
                maximumConcurrency != null ? maximumConcurrency : defaults.maximumConcurrency,
                maximumBatchingWindowSeconds != null
                        ? maximumBatchingWindowSeconds
                        : defaults.maximumBatchingWindowSeconds,
                startingPosition != null ? startingPosition : defaults.startingPosition,
                maximumRetryAttempts != null ? maximumRetryAttempts : defaults.maximumRetryAttempts,
                bisectBatchOnFunctionError != null ? bisectBatchOnFunctionError : defaults.bisectBatchOnFunctionError,
                maximumRecordAgeInSeconds != null ? maximumRecordAgeInSeconds : defaults.maximumRecordAgeInSeconds,
                parallelizationFactor != null ? parallelizationFactor : defaults.parallelizationFactor,
                visibilityTimeoutSeconds != null ? visibilityTimeoutSeconds : defaults.visibilityTimeoutSeconds);
    }

    /**
     * The settings of {@code service} in the repository's {@code cva.yaml} (found from the working directory
     * upwards), completed with {@code defaults}. For tests of the service modules.
     */
    public static EventSource fromRepository(String service, EventSource defaults) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("cva.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new LocalRuntimeException(
                    "cva.yaml not found above " + Path.of("").toAbsolutePath(), null);
        }
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
            JsonNode node = yaml.readTree(dir.resolve("cva.yaml").toFile())
                    .path("services")
                    .path(service)
                    .path("eventSource");
            EventSource read = node.isMissingNode() ? null : yaml.treeToValue(node, EventSource.class);
            if (read != null) {
                JsonNode timeout = yaml.readTree(dir.resolve("cva.yaml").toFile())
                        .path("services")
                        .path(service)
                        .path("timeoutSeconds");
                var problems = read.problems(timeout.isInt() ? timeout.asInt() : null);
                if (!problems.isEmpty()) {
                    throw new LocalRuntimeException(
                            "cva.yaml: services." + service + ".eventSource."
                                    + problems.get(0).key() + ": "
                                    + problems.get(0).message(),
                            null);
                }
            }
            return read == null ? defaults : read.or(defaults);
        } catch (IOException e) {
            throw new LocalRuntimeException(
                    "cannot read services." + service + ".eventSource from cva.yaml: " + e.getMessage(), null, e);
        }
    }
}
