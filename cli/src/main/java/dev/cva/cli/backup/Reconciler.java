package dev.cva.cli.backup;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.local.Tables;
import dev.cva.local.lambda.StreamMapping;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Makes Firestore agree with DynamoDB again: every analytics record with no document is sent through the notifier's
 * own path (its live alias invoked with the record as a stream INSERT, as the stream mapping would: signed webhook,
 * retries, breaker, webhook DLQ), then the documents are awaited. Records Firestore has that DynamoDB lacks are
 * reported, not deleted.
 */
public final class Reconciler {
    /** The notifier's live alias: the invocation's function error (null when none) and its answer. */
    interface Notifier {
        record Answer(String functionError, String body) {}

        String describe();

        Answer invoke(String payload);
    }

    /** @param missing records DynamoDB had and Firestore lacked; {@code stillMissing} after the re-send and the wait */
    public record Result(
            long dynamodb,
            long firestoreBefore,
            long missing,
            long resent,
            long stillMissing,
            long onlyInFirestore,
            long firestoreAfter,
            double seconds) {}

    static final int BATCH = 100; // the notifier mapping's batchSize in cva.yaml

    private final TableData tables;
    private final DocumentData documents;
    private final Notifier notifier;
    private final String region;
    private final Clock clock;

    Reconciler(TableData tables, DocumentData documents, Notifier notifier, String region, Clock clock) {
        this.tables = tables;
        this.documents = documents;
        this.notifier = notifier;
        this.region = region;
        this.clock = clock;
    }

    Result run(String analyticsTable, String database, Duration wait) {
        Instant start = clock.instant();
        Set<String> inFirestore = documents.ids(database);
        long before = inFirestore.size();
        List<Map<String, AttributeValue>> missing = new ArrayList<>();
        long[] dynamo = {0};
        Set<String> inDynamo = new java.util.HashSet<>();
        tables.scan(analyticsTable, item -> {
            dynamo[0]++;
            String id = item.get(Tables.PARTITION_KEY).s();
            inDynamo.add(id);
            if (!inFirestore.contains(id)) {
                missing.add(item);
            }
        });
        long onlyInFirestore =
                inFirestore.stream().filter(id -> !inDynamo.contains(id)).count();
        long resent = 0;
        String streamArn = "arn:aws:dynamodb:" + region + ":000000000000:table/" + analyticsTable + "/stream/reconcile";
        for (int i = 0; i < missing.size(); i += BATCH) {
            List<Map<String, AttributeValue>> batch = missing.subList(i, Math.min(missing.size(), i + BATCH));
            Notifier.Answer a = notifier.invoke(StreamMapping.event(records(batch), region, streamArn));
            if (a.functionError() != null) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        notifier.describe() + " failed on a re-send: " + a.functionError()
                                + (a.body() == null ? "" : " " + a.body()),
                        "see 'cva logs notifier'");
            }
            resent += batch.size();
        }
        long after = before;
        long still = missing.size();
        Instant deadline = clock.instant().plus(wait);
        while (still > 0) {
            Set<String> now = documents.ids(database);
            after = now.size();
            still = missing.stream()
                    .filter(m -> !now.contains(m.get(Tables.PARTITION_KEY).s()))
                    .count();
            if (still == 0 || clock.instant().isAfter(deadline)) {
                break;
            }
            pause();
        }
        if (missing.isEmpty()) {
            after = before;
        }
        return new Result(
                dynamo[0],
                before,
                missing.size(),
                resent,
                still,
                onlyInFirestore,
                after,
                Duration.between(start, clock.instant()).toMillis() / 1000.0);
    }

    private List<Record> records(List<Map<String, AttributeValue>> items) {
        List<Record> out = new ArrayList<>();
        long seq = clock.millis() * 1000;
        for (Map<String, AttributeValue> item : items) {
            out.add(Record.builder()
                    .eventID(UUID.randomUUID().toString())
                    .eventName(OperationType.INSERT)
                    .eventVersion("1.1")
                    .dynamodb(StreamRecord.builder()
                            .approximateCreationDateTime(clock.instant())
                            .keys(Map.of(Tables.PARTITION_KEY, item.get(Tables.PARTITION_KEY)))
                            .newImage(item)
                            .sequenceNumber(Long.toString(seq++))
                            .sizeBytes((long) item.toString().length())
                            .streamViewType(StreamViewType.NEW_IMAGE)
                            .build())
                    .build());
        }
        return out;
    }

    private static void pause() {
        try {
            Thread.sleep(500); // a poll interval of a wait that ends on the documents' arrival (or its deadline)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }
}
