package dev.cva.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends to an SQS queue with SendMessageBatch, keeping the body, the message attributes and (FIFO) the
 * MessageGroupId; entries of one group keep their order within a batch. The deduplication id is new for each
 * replay of a message ({@code <DLQ message id>-r<replay number>}): the original id would be dropped by the 5-minute
 * deduplication window, while a re-run after a crash sends the same id again and SQS drops the duplicate.
 * Each message gets {@code cva-replay-count} = its previous count + 1.
 */
public final class SqsTarget implements Target {
    private final SqsPort sqs;
    private final String url;
    private final String name;
    private final boolean fifo;

    public SqsTarget(SqsPort sqs, String url, String name, boolean fifo) {
        this.sqs = sqs;
        this.url = url;
        this.name = name;
        this.fifo = fifo;
    }

    static String deduplicationId(SqsPort.Message m) {
        return m.messageId() + "-r" + (m.replayCount() + 1);
    }

    @Override
    public List<Outcome> deliver(List<SqsPort.Message> batch) {
        List<SqsPort.Outgoing> entries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            SqsPort.Message m = batch.get(i);
            Map<String, SqsPort.Attr> attrs = new LinkedHashMap<>(m.attributes());
            if (attrs.containsKey(SqsPort.REPLAY_COUNT) || attrs.size() < 10) { // SQS allows 10 attributes
                attrs.put(SqsPort.REPLAY_COUNT, SqsPort.Attr.number(m.replayCount() + 1L));
            }
            entries.add(new SqsPort.Outgoing(
                    Integer.toString(i), m.body(), fifo ? m.groupId() : null, fifo ? deduplicationId(m) : null, attrs));
        }
        List<Outcome> out = new ArrayList<>();
        try {
            for (SqsPort.EntryResult r : sqs.send(url, entries)) {
                out.add(r.ok() ? Outcome.DELIVERED : new Outcome(Target.Kind.FAILED, r.error()));
            }
        } catch (SqsFailure e) {
            batch.forEach(m -> out.add(new Outcome(Target.Kind.FAILED, e.getMessage())));
        }
        return out;
    }

    @Override
    public String describe() {
        return "queue " + name;
    }
}
