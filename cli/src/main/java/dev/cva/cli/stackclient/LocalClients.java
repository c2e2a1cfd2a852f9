package dev.cva.cli.stackclient;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.local.LocalAws;
import dev.cva.local.LocalIam;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Clients for a running local stack, found through its state file; SDK errors are translated here. */
public final class LocalClients implements AutoCloseable {
    /** The path under which the stack's Lambda endpoint (AWS's Invoke API) serves functions. */
    public static final String LAMBDA_FUNCTIONS = "/2015-03-31/functions/";

    private final LocalState state;
    private final SqsClient sqs;
    private final DynamoDbClient dynamo;
    private final FirestoreRest firestore;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Clients of the stack running for {@code ctx}'s checkout, with its administrator's keys. */
    public static LocalClients running(dev.cva.cli.CvaContext ctx) {
        return new LocalClients(LocalState.require(ctx), LocalCredentials.read(ctx.projectRoot()));
    }

    /** @param admin the stack's administrator keys ({@link LocalCredentials#read}) */
    public LocalClients(LocalState state, LocalIam.Keys admin) {
        this.state = state;
        String region = state.resource("region");
        this.sqs = LocalAws.sqs(java.net.URI.create(state.url("sqs")), region, admin.provider());
        this.dynamo = LocalAws.dynamo(java.net.URI.create(state.url("dynamodb")), region, admin.provider());
        this.firestore = new FirestoreRest(state.url("firestore"), state.resource("gcpProject"));
    }

    public LocalState state() {
        return state;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public FirestoreRest firestore() {
        return firestore;
    }

    /** Visible plus in-flight messages of a queue (by its state resource name: dlqUrl, webhookDlqUrl, queueUrl). */
    public long messages(String queueResource) {
        try {
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(state.resource(queueResource))
                            .attributeNames(
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes();
            return Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                    + Long.parseLong(
                            a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "cannot read queue " + queueResource + ": " + e.getMessage(), null, e);
        }
    }

    /** The requestIds in a table (by its state resource name). */
    public Set<String> requestIds(String tableResource) {
        Set<String> ids = new HashSet<>();
        try {
            Map<String, AttributeValue> start = null;
            do {
                var page = dynamo.scan(ScanRequest.builder()
                        .tableName(state.resource(tableResource))
                        .projectionExpression("requestId")
                        .exclusiveStartKey(start)
                        .build());
                page.items().forEach(i -> ids.add(i.get("requestId").s()));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
            return ids;
        } catch (SdkException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot scan " + tableResource + ": " + e.getMessage(), null, e);
        }
    }

    /** Invokes a function through the stack's Lambda endpoint; a function error is a failure with its message. */
    public String invoke(String function, String payload) {
        String url = state.url("lambda") + LAMBDA_FUNCTIONS + function + "/invocations";
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofMinutes(3))
                            .POST(HttpRequest.BodyPublishers.ofString(payload))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200
                    || r.headers().firstValue("X-Amz-Function-Error").isPresent()) {
                throw new CvaException(
                        ExitCode.FAILURE, function + " failed: " + r.body(), "see " + state.resource("logs"));
            }
            return r.body();
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE, "cannot invoke " + function + " at " + url + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }

    /** GET {@code url} and its body (the SES stand-in's {@code /store}). */
    public String get(String url) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new CvaException(ExitCode.FAILURE, "GET " + url + " answered " + r.statusCode(), null);
            }
            return r.body();
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "GET " + url + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }

    @Override
    public void close() {
        sqs.close();
        dynamo.close();
    }
}
