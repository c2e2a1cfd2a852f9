package dev.cva.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.local.lambda.StreamMapping;
import dev.cva.replay.SqsFailure;
import dev.cva.replay.SqsPort;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Re-processes the batches the notifier's stream mapping gave up on: for each on-failure record, re-reads its
 * sequence range from the stream (possible only while the stream keeps it, 24 h) and invokes the notifier's live
 * alias with those records as Lambda would have. The record leaves the queue only when the notifier handled the
 * whole batch (no function error, no batch item failure); else it stays, with the reason. Batches of one shard are
 * re-run in stream order.
 */
final class StreamBatchReplay {
    /** Invokes the notifier's live alias; {@code functionError} is null when the function returned normally. */
    interface Notifier {
        record Answer(String functionError, String body) {}

        String describe();

        Answer invoke(String payload);
    }

    /** What became of one on-failure record. */
    record Outcome(
            String messageId,
            String shardId,
            String startSequenceNumber,
            String endSequenceNumber,
            int records,
            String result,
            String detail) {}

    record Result(int received, int replayed, int failed, int expired, int unreadable, List<Outcome> outcomes) {}

    private final SqsPort sqs;
    private final DynamoDbStreamsClient streams;
    private final Notifier notifier;
    private final String region;
    private final Clock clock;

    StreamBatchReplay(SqsPort sqs, DynamoDbStreamsClient streams, Notifier notifier, String region, Clock clock) {
        this.sqs = sqs;
        this.streams = streams;
        this.notifier = notifier;
        this.region = region;
        this.clock = clock;
    }

    Result run(QueueRef dlq, Long max, Duration visibility) {
        List<SqsPort.Message> received = receiveAll(dlq, max, visibility);
        long now = clock.millis();
        List<SqsPort.Message> ordered = new ArrayList<>(received);
        // in stream order within a shard: an older batch is re-run before a newer one
        ordered.sort(Comparator.comparing((SqsPort.Message m) -> {
                    StreamBatch b = StreamBatch.of(m, 0);
                    return b == null ? "" : b.shardId();
                })
                .thenComparing(m -> {
                    StreamBatch b = StreamBatch.of(m, 0);
                    return b == null ? BigInteger.ZERO : number(b.startSequenceNumber());
                }));
        List<Outcome> outcomes = new ArrayList<>();
        List<String> release = new ArrayList<>();
        int replayed = 0, failed = 0, expired = 0, unreadable = 0;
        for (SqsPort.Message m : ordered) {
            StreamBatch b = StreamBatch.of(m, ReplayService.ageSeconds(now, m));
            if (b == null) {
                unreadable++;
                release.add(m.receiptHandle());
                outcomes.add(new Outcome(
                        m.messageId(),
                        null,
                        null,
                        null,
                        0,
                        "unreadable",
                        "not an on-failure record of a stream batch"));
                continue;
            }
            List<Record> records;
            try {
                records = readRange(b);
            } catch (TrimmedDataAccessException | ExpiredIteratorException | ResourceNotFoundException e) {
                records = List.of();
            } catch (SdkException e) {
                failed++;
                release.add(m.receiptHandle());
                outcomes.add(outcome(
                        b,
                        m,
                        0,
                        "failed",
                        "cannot read the stream: " + e.getClass().getSimpleName()));
                continue;
            }
            if (records.isEmpty() || !records.get(0).dynamodb().sequenceNumber().equals(b.startSequenceNumber())) {
                expired++;
                release.add(m.receiptHandle());
                outcomes.add(outcome(
                        b,
                        m,
                        records.size(),
                        "expired",
                        "the stream no longer has this range (kept 24 h): "
                                + "re-send these records from the analytics table"));
                continue;
            }
            Notifier.Answer a;
            try {
                a = notifier.invoke(StreamMapping.event(records, region, b.streamArn()));
            } catch (SdkException e) {
                failed++;
                release.add(m.receiptHandle());
                outcomes.add(outcome(
                        b,
                        m,
                        records.size(),
                        "failed",
                        "cannot invoke " + notifier.describe() + ": "
                                + e.getClass().getSimpleName()));
                continue;
            }
            String problem = a.functionError() != null
                    ? "function error (" + a.functionError() + "): " + brief(a.body())
                    : batchItemFailure(a.body());
            if (problem != null) {
                failed++;
                release.add(m.receiptHandle());
                outcomes.add(outcome(b, m, records.size(), "failed", problem));
                continue;
            }
            try {
                sqs.delete(dlq.url(), List.of(m.receiptHandle()));
            } catch (SqsFailure e) {
                // handled, but the record stays: a second run sends the batch again, which the receiver absorbs
                outcomes.add(outcome(b, m, records.size(), "replayed", "not deleted: " + e.getMessage()));
                replayed++;
                continue;
            }
            replayed++;
            outcomes.add(outcome(b, m, records.size(), "replayed", "handled by " + notifier.describe()));
        }
        try {
            if (!release.isEmpty()) {
                sqs.release(dlq.url(), release);
            }
        } catch (SqsFailure ignored) {
            // visible again when their visibility timeout ends
        }
        return new Result(received.size(), replayed, failed, expired, unreadable, outcomes);
    }

    private static Outcome outcome(StreamBatch b, SqsPort.Message m, int records, String result, String detail) {
        return new Outcome(
                m.messageId(), b.shardId(), b.startSequenceNumber(), b.endSequenceNumber(), records, result, detail);
    }

    private List<SqsPort.Message> receiveAll(QueueRef dlq, Long max, Duration visibility) {
        List<SqsPort.Message> all = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        int empty = 0;
        try {
            while ((max == null || all.size() < max) && empty < 2) {
                int n = max == null ? 10 : (int) Math.min(10, max - all.size());
                List<SqsPort.Message> got =
                        sqs.receive(dlq.url(), n, (int) Math.max(1, visibility.toSeconds()), empty == 0 ? 0 : 1);
                int before = all.size();
                got.stream().filter(m -> ids.add(m.messageId())).forEach(all::add);
                // nothing new counts as empty: with a short visibility a message received already comes back
                empty = all.size() == before ? empty + 1 : 0;
            }
        } catch (SqsFailure e) {
            throw ReplayService.failure(e);
        }
        return all;
    }

    /** The records of the batch's shard from its first to its last sequence number; empty when trimmed away. */
    List<Record> readRange(StreamBatch b) {
        BigInteger end = number(b.endSequenceNumber());
        String it = streams.getShardIterator(r -> r.streamArn(b.streamArn())
                        .shardId(b.shardId())
                        .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                        .sequenceNumber(b.startSequenceNumber()))
                .shardIterator();
        List<Record> out = new ArrayList<>();
        // an open shard answers an empty page at its end: two in a row and the range is all there is
        for (int emptyPages = 0; it != null && emptyPages < 2; ) {
            String current = it;
            GetRecordsResponse page =
                    streams.getRecords(r -> r.shardIterator(current).limit(1000));
            if (page.records().isEmpty()) {
                emptyPages++;
            }
            for (Record rec : page.records()) {
                if (number(rec.dynamodb().sequenceNumber()).compareTo(end) > 0) {
                    return out;
                }
                out.add(rec);
            }
            if (!out.isEmpty()
                    && out.get(out.size() - 1).dynamodb().sequenceNumber().equals(b.endSequenceNumber())) {
                return out;
            }
            it = page.nextShardIterator();
        }
        return out;
    }

    /** Null when the response reports no failed record; else what it says (a stream response, as the mapping reads it). */
    static String batchItemFailure(String body) {
        if (body == null || body.isBlank() || body.strip().equals("null")) {
            return null;
        }
        try {
            JsonNode n = CvaContext.json().readTree(body);
            JsonNode failures = n.path("batchItemFailures");
            if (!failures.isArray() || failures.isEmpty()) {
                return null;
            }
            return failures.size() + " record(s) still failing, from sequence number "
                    + failures.get(0).path("itemIdentifier").asText("?") + " (the notifier could not dead-letter them)";
        } catch (java.io.IOException e) {
            return "unreadable response: " + brief(body);
        }
    }

    private static String brief(String s) {
        return s == null ? "" : s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    private static BigInteger number(String sequence) {
        try {
            return new BigInteger(sequence);
        } catch (RuntimeException e) {
            return BigInteger.ZERO;
        }
    }
}
