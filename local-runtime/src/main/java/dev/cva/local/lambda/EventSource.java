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
 * them from. Absent values take Lambda's defaults for the source type.
 */
public record EventSource(
        Integer batchSize,
        Integer maximumConcurrency,
        Integer maximumBatchingWindowSeconds,
        String startingPosition,
        Integer maximumRetryAttempts,
        Boolean bisectBatchOnFunctionError,
        Integer maximumRecordAgeInSeconds,
        Integer parallelizationFactor) {

    /** SQS: batch 10 (the FIFO maximum), at most 2 concurrent invocations (Lambda's minimum maximum). */
    public static final EventSource SQS_DEFAULTS = new EventSource(10, 2, 0, null, null, null, null, null);
    /** DynamoDB stream: batch 100, from the oldest record, 3 retries with bisect on error. */
    public static final EventSource STREAM_DEFAULTS = new EventSource(100, 1, 0, "TRIM_HORIZON", 3, true, 86400, 1);

    /** These settings with absent values taken from {@code defaults}. */
    public EventSource or(EventSource defaults) {
        return new EventSource(
                batchSize != null ? batchSize : defaults.batchSize,
                maximumConcurrency != null ? maximumConcurrency : defaults.maximumConcurrency,
                maximumBatchingWindowSeconds != null ? maximumBatchingWindowSeconds : defaults.maximumBatchingWindowSeconds,
                startingPosition != null ? startingPosition : defaults.startingPosition,
                maximumRetryAttempts != null ? maximumRetryAttempts : defaults.maximumRetryAttempts,
                bisectBatchOnFunctionError != null ? bisectBatchOnFunctionError : defaults.bisectBatchOnFunctionError,
                maximumRecordAgeInSeconds != null ? maximumRecordAgeInSeconds : defaults.maximumRecordAgeInSeconds,
                parallelizationFactor != null ? parallelizationFactor : defaults.parallelizationFactor);
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
            throw new LocalRuntimeException("cva.yaml not found above " + Path.of("").toAbsolutePath(), null);
        }
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
            JsonNode node = yaml.readTree(dir.resolve("cva.yaml").toFile()).path("services").path(service).path("eventSource");
            EventSource read = node.isMissingNode() ? null : yaml.treeToValue(node, EventSource.class);
            return read == null ? defaults : read.or(defaults);
        } catch (IOException e) {
            throw new LocalRuntimeException("cannot read services." + service + ".eventSource from cva.yaml: "
                    + e.getMessage(), null, e);
        }
    }
}
