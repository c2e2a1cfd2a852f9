package dev.cva.cli.audit;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.time.Duration;
import java.time.ZoneOffset;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * AWS actions' audit lines in CloudWatch Logs: log group {@link Audits#AWS_LOG_GROUP} ({@code /cva/audit}, created by
 * Terraform in infra/services/processor with a retention and the writer policy the deploy roles carry), one log
 * stream a day ({@code cva-2026-12-07}), created on first use. {@code PutLogEvents} needs no sequence token any more,
 * so processes writing at once do not conflict. Needs {@code logs:CreateLogStream} and {@code logs:PutLogEvents} on
 * the group.
 */
public final class CloudWatchAuditSink implements AuditSink {
    private final CloudWatchLogsClient logs;
    private final String group;

    public CloudWatchAuditSink(CloudWatchLogsClient logs, String group) {
        this.logs = logs;
        this.group = group;
    }

    /** The default credential chain and endpoint ({@code AWS_ENDPOINT_URL_CLOUDWATCH_LOGS} for a stand-in). */
    public static CloudWatchAuditSink create(String region, String group) {
        return new CloudWatchAuditSink(
                CloudWatchLogsClient.builder()
                        .region(Region.of(region))
                        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(15)))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build(),
                group);
    }

    /** The day's stream of {@code entry}. */
    static String stream(AuditEntry entry) {
        return "cva-" + entry.time().atZone(ZoneOffset.UTC).toLocalDate();
    }

    @Override
    public void write(AuditEntry entry) {
        String stream = stream(entry);
        InputLogEvent event = InputLogEvent.builder()
                .timestamp(entry.time().toEpochMilli())
                .message(entry.toJson())
                .build();
        try {
            try {
                logs.putLogEvents(
                        b -> b.logGroupName(group).logStreamName(stream).logEvents(event));
            } catch (ResourceNotFoundException noStream) {
                try {
                    logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
                } catch (ResourceAlreadyExistsException raced) {
                    // another cva process created it first
                }
                logs.putLogEvents(
                        b -> b.logGroupName(group).logStreamName(stream).logEvents(event));
            }
        } catch (ResourceNotFoundException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "log group " + group + " not found",
                    "apply infra/services/processor (it creates " + group + ")",
                    e);
        } catch (AwsServiceException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    (e.awsErrorDetails() == null
                            ? e.getMessage()
                            : e.awsErrorDetails().errorCode() + ": "
                                    + e.awsErrorDetails().errorMessage()),
                    "the caller needs logs:CreateLogStream and logs:PutLogEvents on " + group
                            + " (the policy <project>-audit-writer)",
                    e);
        } catch (SdkException e) {
            throw new CvaException(ExitCode.FAILURE, e.getMessage(), "check the AWS credentials and the region", e);
        }
    }

    @Override
    public String describe() {
        return "CloudWatch Logs " + group;
    }
}
