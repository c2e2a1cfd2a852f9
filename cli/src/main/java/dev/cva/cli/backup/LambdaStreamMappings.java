package dev.cva.cli.backup;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.deploy.DeployTarget;
import dev.cva.local.lambda.EventSource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingRequest;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;

/** {@link StreamMappings} through Lambda's API (CreateEventSourceMapping on the notifier's live alias). */
final class LambdaStreamMappings implements StreamMappings {
    private final LambdaClient lambda;
    private final String function;
    private final EventSource settings;

    LambdaStreamMappings(LambdaClient lambda, String function, EventSource settings) {
        this.lambda = lambda;
        this.function = function;
        this.settings = settings != null ? settings : EventSource.STREAM_DEFAULTS;
    }

    @Override
    public String describe() {
        return function + ":" + DeployTarget.LIVE;
    }

    @Override
    public String map(String newStream, String oldStream) {
        try {
            EventSourceMappingConfiguration old = oldStream == null
                    ? null
                    : lambda.listEventSourceMappings(b -> b.eventSourceArn(oldStream)).eventSourceMappings().stream()
                            .filter(m ->
                                    m.functionArn() != null && m.functionArn().contains(":function:" + function))
                            .findFirst()
                            .orElse(null);
            for (EventSourceMappingConfiguration m : lambda.listEventSourceMappings(b -> b.eventSourceArn(newStream))
                    .eventSourceMappings()) {
                if (m.functionArn() != null && m.functionArn().contains(":function:" + function)) {
                    return m.uuid(); // already mapped: a second run of the same restore adds nothing
                }
            }
            CreateEventSourceMappingRequest.Builder r = CreateEventSourceMappingRequest.builder()
                    .functionName(describe())
                    .eventSourceArn(newStream)
                    .enabled(true)
                    .functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)
                    .batchSize(settings.batchSize())
                    .startingPosition(settings.startingPosition())
                    .maximumRetryAttempts(settings.maximumRetryAttempts())
                    .bisectBatchOnFunctionError(settings.bisectBatchOnFunctionError())
                    .maximumRecordAgeInSeconds(settings.maximumRecordAgeInSeconds())
                    .parallelizationFactor(settings.parallelizationFactor());
            if (settings.maximumBatchingWindowSeconds() != null) {
                r.maximumBatchingWindowInSeconds(settings.maximumBatchingWindowSeconds());
            }
            if (old != null && old.destinationConfig() != null) {
                r.destinationConfig(old.destinationConfig());
            }
            return lambda.createEventSourceMapping(r.build()).uuid();
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot map the stream " + newStream + " to " + describe() + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                    "check the restore role's lambda grants",
                    e);
        }
    }
}
