package dev.cva.local.lambda;

import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A stream event source mapping's {@code DestinationConfig.OnFailure}: the standard SQS queue Lambda sends one
 * record to for each batch it gives up on (retries spent, or records past their maximum age), naming the shard and
 * sequence range it skipped. The records themselves are not in it; they stay in the stream while it keeps them.
 *
 * @param functionArn     the mapped function as the record names it (with its qualifier, e.g. {@code :live})
 * @param executedVersion the version the alias runs now, as the record's {@code responseContext.executedVersion}
 */
public record OnFailureDestination(
        SqsClient sqs, String queueUrl, String functionArn, Supplier<String> executedVersion) {
    public OnFailureDestination(SqsClient sqs, String queueUrl, String functionArn) {
        this(sqs, queueUrl, functionArn, () -> "$LATEST");
    }
}
