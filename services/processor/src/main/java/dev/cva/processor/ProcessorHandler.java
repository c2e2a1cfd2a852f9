package dev.cva.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cva.contracts.ContractValidator;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.processor.dynamo.DynamoCorrelationStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Lambda entry point on the SQS FIFO queue (batch 10, ReportBatchItemFailures). Thin: builds its collaborators
 * once and reports per-message failures.
 *
 * <p>Environment: {@code QUERY_EVENTS_TABLE}, {@code ANALYTICS_TABLE}, {@code AWS_REGION}; endpoints through the
 * SDK's own {@code AWS_ENDPOINT_URL_DYNAMODB} / {@code AWS_ENDPOINT_URL}.
 */
public class ProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** Requests of one batch correlated at once (a FIFO batch holds at most 10 messages). */
    static final int PARALLEL_REQUESTS = 10;

    private final BatchProcessor processor;
    private final JsonLog log;

    /** For the Lambda runtime: everything from the environment. */
    public ProcessorHandler() {
        this(ProcessorConfig.fromEnv(System.getenv()));
    }

    private ProcessorHandler(ProcessorConfig config) {
        this(
                DynamoDbClient.builder()
                        .region(Region.of(config.region()))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build(),
                config,
                Clock.systemUTC(),
                new JsonLog("processor"));
    }

    /** For tests and benchmarks: injected client, configuration, clock and log. */
    public ProcessorHandler(DynamoDbClient dynamo, ProcessorConfig config, Clock clock, JsonLog log) {
        var mapper = JsonMapper.builder().build();
        EventParser parser = new EventParser(mapper, new ContractValidator(mapper));
        var store = new DynamoCorrelationStore(dynamo, config.queryEventsTable(), config.analyticsTable());
        // the requests of a batch (at most 10) are independent: their DynamoDB calls run side by side
        var correlator = new Correlator(store, parser, clock, config.interimTtl(), new InterimExpiryLog(log, clock));
        this.log = log;
        this.processor = new BatchProcessor(
                parser,
                correlator,
                log,
                Executors.newFixedThreadPool(PARALLEL_REQUESTS, r -> {
                    Thread t = new Thread(r, "correlate");
                    t.setDaemon(true);
                    return t;
                }),
                requestLog -> new InterimExpiryLog(requestLog, clock));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        // every line of this invocation carries its AWS request id (a child log, not a thread-local: the requests
        // of a batch are correlated on other threads)
        JsonLog invocation = log.with("awsRequestId", context == null ? null : context.getAwsRequestId());
        List<String> failed = processor.process(event == null ? null : event.getRecords(), invocation);
        return SQSBatchResponse.builder()
                .withBatchItemFailures(failed.stream()
                        .map(id -> SQSBatchResponse.BatchItemFailure.builder()
                                .withItemIdentifier(id)
                                .build())
                        .toList())
                .build();
    }
}
