package dev.cva.cli.trace;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.config.Settings;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.support.GoogleAccessToken;
import dev.cva.local.LocalAws;
import dev.cva.replay.AwsSqsPort;
import dev.cva.replay.SqsPort;
import java.net.URI;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Where a trace reads: on {@code local} the running stack (its state file's endpoints and names, its administrator's
 * keys); elsewhere the clouds through the SDKs' default chains, in {@code aws.region} and {@code gcp.project}, with
 * no endpoint override (the AWS SDK honours {@code AWS_ENDPOINT_URL}; Firestore's {@code FIRESTORE_EMULATOR_HOST} is
 * honoured here).
 */
final class TraceEnvironment implements AutoCloseable {
    static final String FIRESTORE_API = "https://firestore.googleapis.com";

    private final DynamoDbClient dynamo;
    private final Supplier<SqsPort> newSqs;
    private SqsPort sqs;
    private final TraceService service;

    /** @param newSqs makes the SQS client when a DLQ must be read (a complete trace reads none: no client to load) */
    private TraceEnvironment(
            CvaContext ctx,
            DynamoDbClient dynamo,
            Supplier<SqsPort> newSqs,
            String analyticsTable,
            String interimTable,
            String eventDlq,
            String webhookDlq,
            FirestoreDocuments firestore) {
        this.dynamo = dynamo;
        this.newSqs = newSqs;
        this.service = new TraceService(
                new DynamoRecords(dynamo, analyticsTable, interimTable),
                new SqsQueues(this::sqs, eventDlq, webhookDlq),
                firestore,
                new ServiceLogs(ctx),
                ctx.clock());
    }

    private synchronized SqsPort sqs() {
        if (sqs == null) {
            sqs = newSqs.get();
        }
        return sqs;
    }

    static TraceEnvironment open(CvaContext ctx) {
        Settings s = ctx.settings();
        if (CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            LocalState state = LocalState.require(ctx);
            String region = or(state.resource("region"), s.require("aws.region"));
            var keys = LocalCredentials.read(ctx.projectRoot());
            String dynamoUrl = state.url("dynamodb");
            String sqsUrl = state.url("sqs");
            String firestoreUrl = state.url("firestore");
            if (dynamoUrl == null || sqsUrl == null || firestoreUrl == null) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "the local stack lists no "
                                + (dynamoUrl == null ? "dynamodb" : sqsUrl == null ? "sqs" : "firestore") + " part",
                        "see 'cva local status'");
            }
            return new TraceEnvironment(
                    ctx,
                    LocalAws.dynamo(URI.create(dynamoUrl), region, keys.provider()),
                    () -> AwsSqsPort.forEmulator(sqsUrl, region, keys.accessKeyId(), keys.secretAccessKey()),
                    or(state.resource("analyticsTable"), s.require("aws.analyticsTable")),
                    or(state.resource("queryEventsTable"), s.require("aws.queryEventsTable")),
                    or(state.resource("dlqUrl"), s.get("aws.dlq")),
                    or(state.resource("webhookDlqUrl"), s.get("aws.webhookDlq")),
                    new FirestoreDocuments(
                            firestoreUrl,
                            or(state.resource("gcpProject"), s.require("gcp.project")),
                            s.get("gcp.firestoreDatabase"),
                            () -> "owner"));
        }
        String region = s.require("aws.region");
        String project = s.require("gcp.project");
        String emulator = ctx.env().get("FIRESTORE_EMULATOR_HOST");
        FirestoreDocuments firestore = emulator != null && !emulator.isBlank()
                ? new FirestoreDocuments(
                        "http://" + emulator.strip(), project, s.get("gcp.firestoreDatabase"), () -> "owner")
                : new FirestoreDocuments(
                        FIRESTORE_API,
                        project,
                        s.get("gcp.firestoreDatabase"),
                        new GoogleAccessToken(GoogleAccessToken.DATASTORE, "to read Firestore"));
        return new TraceEnvironment(
                ctx,
                DynamoDbClient.builder()
                        .region(Region.of(region))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build(),
                () -> AwsSqsPort.forRegion(region),
                s.require("aws.analyticsTable"),
                s.require("aws.queryEventsTable"),
                s.get("aws.dlq"),
                s.get("aws.webhookDlq"),
                firestore);
    }

    TraceService service() {
        return service;
    }

    /** An SDK failure in words: the service's error code, else the exception's kind; never a credential. */
    static String reason(SdkException e) {
        if (e instanceof AwsServiceException a
                && a.awsErrorDetails() != null
                && a.awsErrorDetails().errorCode() != null) {
            return a.awsErrorDetails().errorCode();
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName()
                + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    private static String or(String value, String fallback) {
        return value != null && !value.isBlank() ? value : fallback;
    }

    @Override
    public synchronized void close() {
        dynamo.close();
        if (sqs != null) {
            sqs.close();
        }
    }
}
