package dev.cva.replay;

import java.util.List;
import java.util.Map;

/**
 * The few SQS operations a replay needs, in plain Java types. {@link AwsSqsPort} implements it with the AWS SDK
 * and translates every SDK exception into a {@link SqsFailure}; nothing above this interface sees the SDK.
 */
public interface SqsPort extends AutoCloseable {
    /** The message attribute every replay sets: how often the message was replayed. */
    String REPLAY_COUNT = "cva-replay-count";

    /** A message attribute as SQS stores it: a data type and a string or binary value. */
    record Attr(String dataType, String stringValue, byte[] binaryValue) {
        public static Attr string(String value) {
            return new Attr("String", value, null);
        }

        public static Attr number(long value) {
            return new Attr("Number", Long.toString(value), null);
        }
    }

    /** A received message with its system attributes (SQS names: MessageGroupId, SentTimestamp, ...). */
    record Message(
            String messageId,
            String receiptHandle,
            String body,
            Map<String, String> system,
            Map<String, Attr> attributes) {
        public String groupId() {
            return system.get("MessageGroupId");
        }

        public String deduplicationId() {
            return system.get("MessageDeduplicationId");
        }

        public int receiveCount() {
            return Integer.parseInt(system.getOrDefault("ApproximateReceiveCount", "0"));
        }

        /** When the message was first sent (SQS keeps it across a redrive to the DLQ), epoch ms; 0 if unknown. */
        public long sentTimestamp() {
            return Long.parseLong(system.getOrDefault("SentTimestamp", "0"));
        }

        /** The {@code cva-replay-count} attribute: how often cva already replayed this message (0 if never). */
        public int replayCount() {
            Attr a = attributes.get(REPLAY_COUNT);
            try {
                return a == null || a.stringValue() == null
                        ? 0
                        : Integer.parseInt(a.stringValue().strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    /** One entry of a SendMessageBatch; {@code groupId}/{@code deduplicationId} only for FIFO queues. */
    record Outgoing(String id, String body, String groupId, String deduplicationId, Map<String, Attr> attributes) {}

    /** What SQS answered for one entry: ok, or the error (and whether it was the sender's fault). */
    record EntryResult(String id, boolean ok, String error, boolean senderFault) {}

    /** A StartMessageMoveTask task as ListMessageMoveTasks reports it. */
    record MoveTask(
            String handle, String status, long moved, Long toMove, String destinationArn, String failureReason) {}

    /** The queue's URL for a name; {@link SqsFailure#notFound()} when there is no such queue. */
    String queueUrl(String name);

    /** Every queue URL of the account and region. */
    List<String> listQueues();

    /** All attributes of a queue, by their SQS names (QueueArn, RedrivePolicy, FifoQueue, ...). */
    Map<String, String> attributes(String queueUrl);

    /** Up to {@code max} (1..10) messages, hidden from other consumers for {@code visibilitySeconds}. */
    List<Message> receive(String queueUrl, int max, int visibilitySeconds, int waitSeconds);

    /** SendMessageBatch (1..10 entries); one result per entry, in the entries' order. */
    List<EntryResult> send(String queueUrl, List<Outgoing> entries);

    /** DeleteMessageBatch (1..10 receipt handles); one result per handle, ids are the handles' indexes. */
    List<EntryResult> delete(String queueUrl, List<String> receiptHandles);

    /** Makes received messages visible again now (ChangeMessageVisibilityBatch to 0), 10 at a time. */
    void release(String queueUrl, List<String> receiptHandles);

    /** StartMessageMoveTask; a null destination moves to the source queues of the redrive policy. Returns the task handle. */
    String startMove(String sourceArn, String destinationArn, Integer maxPerSecond);

    List<MoveTask> moveTasks(String sourceArn);

    void cancelMove(String taskHandle);

    @Override
    void close();
}
