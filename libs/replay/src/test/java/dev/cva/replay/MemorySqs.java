package dev.cva.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * One in-memory queue behind our own {@link SqsPort}, for the Replayer's pure logic: a received message is hidden
 * until it is deleted or released (visibility never runs out within a test), each receive returns at most
 * {@code perReceive} visible messages in order. Failures are switched on per operation. ElasticMQ behind the real
 * SDK is {@code ReplayerElasticMqTest}'s part.
 */
final class MemorySqs implements SqsPort {
    static final String URL = "memory://dlq";

    record Stored(String id, String body, String groupId) {}

    private final LinkedHashMap<String, Stored> messages = new LinkedHashMap<>();
    private final Map<String, String> hiddenByHandle = new LinkedHashMap<>(); // receipt handle -> message id
    private final Set<String> hidden = ConcurrentHashMap.newKeySet();
    private final AtomicInteger handles = new AtomicInteger();
    final AtomicInteger receives = new AtomicInteger();
    final AtomicInteger receivedMessages = new AtomicInteger();
    volatile int perReceive = 10;
    volatile SqsFailure receiveFailure;
    volatile Predicate<String> deleteRefused = id -> false; // message ids whose delete entry SQS refuses
    /**
     * When set, a received message's visibility timeout has run out by the next receive (a machine too slow for the
     * timeout): it is visible again, under a new receipt handle, and its old handle still deletes it, as on SQS.
     */
    volatile boolean visibilityRunsOut;
    /** Counted down once per message received (to let a test wait until everything was received). */
    volatile CountDownLatch received = new CountDownLatch(0);

    synchronized MemorySqs add(String id, String body, String groupId) {
        messages.put(id, new Stored(id, body, groupId));
        return this;
    }

    /** The messages still in the queue, hidden or not, in order. */
    synchronized List<String> ids() {
        return List.copyOf(messages.keySet());
    }

    /** The messages still in the queue that a consumer could receive now. */
    synchronized List<String> visibleIds() {
        return messages.keySet().stream().filter(id -> !hidden.contains(id)).toList();
    }

    @Override
    public synchronized List<Message> receive(String queueUrl, int max, int visibilitySeconds, int waitSeconds) {
        receives.incrementAndGet();
        if (receiveFailure != null) {
            throw receiveFailure;
        }
        if (visibilityRunsOut) {
            hidden.clear();
        }
        List<Message> out = new ArrayList<>();
        for (Stored s : messages.values()) {
            if (out.size() >= Math.min(max, perReceive)) {
                break;
            }
            if (hidden.add(s.id())) {
                String handle = "rh-" + handles.incrementAndGet();
                hiddenByHandle.put(handle, s.id());
                Map<String, String> system = s.groupId() == null
                        ? Map.of("SentTimestamp", "1")
                        : Map.of("SentTimestamp", "1", "MessageGroupId", s.groupId());
                out.add(new Message(s.id(), handle, s.body(), system, Map.of()));
            }
        }
        receivedMessages.addAndGet(out.size());
        out.forEach(m -> received.countDown());
        return out;
    }

    @Override
    public synchronized List<EntryResult> delete(String queueUrl, List<String> receiptHandles) {
        List<EntryResult> out = new ArrayList<>();
        for (int i = 0; i < receiptHandles.size(); i++) {
            String id = hiddenByHandle.get(receiptHandles.get(i));
            if (id == null || deleteRefused.test(id)) {
                out.add(new EntryResult(Integer.toString(i), false, "ReceiptHandleIsInvalid: refused", true));
            } else {
                messages.remove(id);
                hidden.remove(id);
                hiddenByHandle.remove(receiptHandles.get(i));
                out.add(new EntryResult(Integer.toString(i), true, null, false));
            }
        }
        return out;
    }

    @Override
    public synchronized void release(String queueUrl, List<String> receiptHandles) {
        for (String h : receiptHandles) {
            String id = hiddenByHandle.remove(h);
            if (id != null) {
                hidden.remove(id);
            }
        }
    }

    @Override
    public synchronized Map<String, String> attributes(String queueUrl) {
        return Map.of("ApproximateNumberOfMessages", Long.toString(visibleIds().size()));
    }

    @Override
    public String queueUrl(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> listQueues() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<EntryResult> send(String queueUrl, List<Outgoing> entries) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String startMove(String sourceArn, String destinationArn, Integer maxPerSecond) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<MoveTask> moveTasks(String sourceArn) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void cancelMove(String taskHandle) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
}
