package dev.cva.replay;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** {@link SqsPort} on the AWS SDK's SqsClient; every SdkException becomes an {@link SqsFailure} here. */
public final class AwsSqsPort implements SqsPort {
    private final SqsClient sqs;

    public AwsSqsPort(SqsClient sqs) {
        this.sqs = sqs;
    }

    /**
     * For a real account: the default credential chain, the region of the environment and no endpoint override, so
     * the SDK itself honours {@code AWS_ENDPOINT_URL_SQS} / {@code AWS_ENDPOINT_URL} (any SQS-compatible endpoint).
     */
    public static AwsSqsPort forRegion(String region) {
        return new AwsSqsPort(SqsClient.builder()
                .region(Region.of(region))
                .httpClient(UrlConnectionHttpClient.create())
                .build());
    }

    /**
     * For an emulator (the local stack's ElasticMQ, behind its IAM gate): its endpoint and the keys the stack issued,
     * never the user's own.
     */
    public static AwsSqsPort forEmulator(String endpoint, String region, String accessKeyId, String secretAccessKey) {
        return new AwsSqsPort(SqsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(region))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .httpClient(UrlConnectionHttpClient.create())
                .build());
    }

    @Override
    public String queueUrl(String name) {
        return call(
                "GetQueueUrl " + name,
                () -> sqs.getQueueUrl(b -> b.queueName(name)).queueUrl());
    }

    @Override
    public List<String> listQueues() {
        return call("ListQueues", () -> {
            List<String> urls = new ArrayList<>();
            String token = null;
            do {
                String t = token;
                ListQueuesResponse r = sqs.listQueues(b -> b.maxResults(1000).nextToken(t));
                urls.addAll(r.queueUrls());
                token = r.nextToken();
            } while (token != null && !token.isEmpty());
            return urls;
        });
    }

    @Override
    public Map<String, String> attributes(String queueUrl) {
        return call(
                "GetQueueAttributes " + queueUrl,
                () -> new HashMap<>(
                        sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.ALL))
                                .attributesAsStrings()));
    }

    @Override
    public List<Message> receive(String queueUrl, int max, int visibilitySeconds, int waitSeconds) {
        return call(
                "ReceiveMessage " + queueUrl,
                () -> sqs
                        .receiveMessage(b -> b.queueUrl(queueUrl)
                                .maxNumberOfMessages(max)
                                .visibilityTimeout(visibilitySeconds)
                                .waitTimeSeconds(waitSeconds)
                                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                                .messageAttributeNames("All"))
                        .messages()
                        .stream()
                        .map(AwsSqsPort::toMessage)
                        .toList());
    }

    private static Message toMessage(software.amazon.awssdk.services.sqs.model.Message m) {
        Map<String, Attr> attrs = new LinkedHashMap<>();
        m.messageAttributes()
                .forEach((k, v) -> attrs.put(
                        k,
                        new Attr(
                                v.dataType(),
                                v.stringValue(),
                                v.binaryValue() == null ? null : v.binaryValue().asByteArray())));
        return new Message(m.messageId(), m.receiptHandle(), m.body(), Map.copyOf(m.attributesAsStrings()), attrs);
    }

    @Override
    public List<EntryResult> send(String queueUrl, List<Outgoing> entries) {
        List<SendMessageBatchRequestEntry> batch = entries.stream()
                .map(o -> SendMessageBatchRequestEntry.builder()
                        .id(o.id())
                        .messageBody(o.body())
                        .messageGroupId(o.groupId())
                        .messageDeduplicationId(o.deduplicationId())
                        .messageAttributes(toSdk(o.attributes()))
                        .build())
                .toList();
        SendMessageBatchResponse r = call(
                "SendMessageBatch " + queueUrl,
                () -> sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch)));
        return results(entries.stream().map(Outgoing::id).toList(), r.failed());
    }

    @Override
    public List<EntryResult> delete(String queueUrl, List<String> receiptHandles) {
        List<DeleteMessageBatchRequestEntry> batch = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < receiptHandles.size(); i++) {
            ids.add(Integer.toString(i));
            batch.add(DeleteMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(receiptHandles.get(i))
                    .build());
        }
        DeleteMessageBatchResponse r = call(
                "DeleteMessageBatch " + queueUrl,
                () -> sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(batch)));
        return results(ids, r.failed());
    }

    @Override
    public void release(String queueUrl, List<String> receiptHandles) {
        for (int from = 0; from < receiptHandles.size(); from += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> batch = new ArrayList<>();
            for (int i = from; i < Math.min(from + 10, receiptHandles.size()); i++) {
                batch.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(receiptHandles.get(i))
                        .visibilityTimeout(0)
                        .build());
            }
            call(
                    "ChangeMessageVisibilityBatch " + queueUrl,
                    () -> sqs.changeMessageVisibilityBatch(
                            b -> b.queueUrl(queueUrl).entries(batch)));
        }
    }

    @Override
    public String startMove(String sourceArn, String destinationArn, Integer maxPerSecond) {
        return call(
                "StartMessageMoveTask " + sourceArn,
                () -> sqs.startMessageMoveTask(b -> b.sourceArn(sourceArn)
                                .destinationArn(destinationArn)
                                .maxNumberOfMessagesPerSecond(maxPerSecond))
                        .taskHandle());
    }

    @Override
    public List<MoveTask> moveTasks(String sourceArn) {
        return call(
                "ListMessageMoveTasks " + sourceArn,
                () -> sqs.listMessageMoveTasks(b -> b.sourceArn(sourceArn).maxResults(10)).results().stream()
                        .map(t -> new MoveTask(
                                t.taskHandle(),
                                t.status(),
                                t.approximateNumberOfMessagesMoved() == null ? 0 : t.approximateNumberOfMessagesMoved(),
                                t.approximateNumberOfMessagesToMove(),
                                t.destinationArn(),
                                t.failureReason()))
                        .toList());
    }

    @Override
    public void cancelMove(String taskHandle) {
        call("CancelMessageMoveTask", () -> sqs.cancelMessageMoveTask(b -> b.taskHandle(taskHandle)));
    }

    @Override
    public void close() {
        sqs.close();
    }

    private static Map<String, MessageAttributeValue> toSdk(Map<String, Attr> attrs) {
        Map<String, MessageAttributeValue> out = new LinkedHashMap<>();
        attrs.forEach((k, v) -> out.put(
                k,
                MessageAttributeValue.builder()
                        .dataType(v.dataType())
                        .stringValue(v.stringValue())
                        .binaryValue(v.binaryValue() == null ? null : SdkBytes.fromByteArray(v.binaryValue()))
                        .build()));
        return out;
    }

    private static List<EntryResult> results(List<String> ids, List<BatchResultErrorEntry> failed) {
        Map<String, BatchResultErrorEntry> byId = new HashMap<>();
        failed.forEach(f -> byId.put(f.id(), f));
        List<EntryResult> out = new ArrayList<>();
        for (String id : ids) {
            BatchResultErrorEntry f = byId.get(id);
            out.add(
                    f == null
                            ? new EntryResult(id, true, null, false)
                            : new EntryResult(
                                    id, false, f.code() + ": " + f.message(), Boolean.TRUE.equals(f.senderFault())));
        }
        return out;
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (QueueDoesNotExistException e) {
            throw new SqsFailure(what + ": no such queue", true, false, e);
        } catch (SqsException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            boolean notFound =
                    code != null && (code.contains("NonExistentQueue") || code.contains("QueueDoesNotExist"));
            String msg = e.awsErrorDetails() == null || code == null
                    ? "HTTP " + e.statusCode() + " " + e.getMessage()
                    : code + " " + e.awsErrorDetails().errorMessage();
            throw new SqsFailure(what + ": " + msg, notFound, false, e);
        } catch (SdkClientException e) {
            throw new SqsFailure(what + ": " + e.getMessage(), false, true, e);
        } catch (SdkException e) {
            throw new SqsFailure(what + ": " + e.getMessage(), false, false, e);
        }
    }
}
