package dev.cva.cli.backup;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.local.Tables;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.InvalidRestoreTimeException;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** {@link TableData} through the DynamoDB API (moto's server locally): Scan out, BatchWriteItem in. */
final class DynamoTableData implements TableData {
    private static final int BATCH = 25; // BatchWriteItem's limit

    private final DynamoDbClient dynamo;

    DynamoTableData(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    @Override
    public boolean exists(String table) {
        try {
            dynamo.describeTable(b -> b.tableName(table));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        } catch (SdkException e) {
            throw failure("describe " + table, e);
        }
    }

    @Override
    public long count(String table) {
        long n = 0;
        Map<String, AttributeValue> start = null;
        try {
            do {
                var page = dynamo.scan(ScanRequest.builder()
                        .tableName(table)
                        .select(Select.COUNT)
                        .exclusiveStartKey(start)
                        .build());
                n += page.count();
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
            return n;
        } catch (SdkException e) {
            throw failure("count the items of " + table, e);
        }
    }

    @Override
    public Copy export(String table, Path file) {
        long[] n = {0};
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            scan(table, item -> {
                try {
                    w.write(ItemJson.toJson(item).toString());
                    w.write('\n');
                    n[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot write " + file + ": " + e.getMessage(), null, e);
        }
        return new Copy("dynamodb", table, file.getFileName().toString(), n[0], size(file));
    }

    @Override
    public long load(Path file, String table) {
        long n = 0;
        List<WriteRequest> batch = new ArrayList<>(BATCH);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, AttributeValue> item =
                        ItemJson.fromJson(CvaContext.json().readTree(line));
                batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
                if (batch.size() == BATCH) {
                    n += write(table, batch);
                    batch = new ArrayList<>(BATCH);
                }
            }
            if (!batch.isEmpty()) {
                n += write(table, batch);
            }
            return n;
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
    }

    /** One BatchWriteItem, its unprocessed items again (with a growing pause) until none is left. */
    private int write(String table, List<WriteRequest> requests) {
        List<WriteRequest> left = requests;
        long pause = 50;
        try {
            for (int attempt = 0; ; attempt++) {
                final List<WriteRequest> now = left;
                var answer = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, now)));
                left = answer.hasUnprocessedItems()
                        ? answer.unprocessedItems().getOrDefault(table, List.of())
                        : List.of();
                if (left.isEmpty()) {
                    return requests.size();
                }
                if (attempt == 10) {
                    throw new CvaException(
                            ExitCode.FAILURE,
                            table + " left " + left.size() + " items unprocessed after 10 tries",
                            "the table is throttled: try again later");
                }
                Thread.sleep(pause); // back-off between retries of unprocessed items, as the SDK documents
                pause = Math.min(pause * 2, 2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        } catch (SdkException e) {
            throw failure("write to " + table, e);
        }
    }

    @Override
    public void scan(String table, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        try {
            do {
                var page = dynamo.scan(ScanRequest.builder()
                        .tableName(table)
                        .exclusiveStartKey(start)
                        .build());
                page.items().forEach(each);
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
        } catch (SdkException e) {
            throw failure("scan " + table, e);
        }
    }

    @Override
    public void create(Kind kind, String table) {
        try {
            if (kind == Kind.ANALYTICS) {
                Tables.createAnalytics(dynamo, table);
            } else {
                Tables.createQueryEvents(dynamo, table);
            }
            // TTL: Tables.createQueryEvents sets it on the interim table (the analytics table keeps its records)
            dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
            dynamo.updateContinuousBackups(
                    b -> b.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        } catch (SdkException e) {
            throw failure("create " + table, e);
        } catch (RuntimeException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot create " + table + ": " + e.getMessage(), null, e);
        }
    }

    @Override
    public String onDemandBackup(String table, String name) {
        try {
            return dynamo.createBackup(b -> b.tableName(table).backupName(name))
                    .backupDetails()
                    .backupArn();
        } catch (SdkException e) {
            throw failure("take an on-demand backup of " + table, e);
        }
    }

    @Override
    public void restoreFromBackup(Kind kind, String backupArn, String table) {
        try {
            dynamo.restoreTableFromBackup(b -> b.backupArn(backupArn).targetTableName(table));
        } catch (SdkException e) {
            throw failure("restore " + backupArn + " into " + table, e);
        }
        rewire(kind, table);
    }

    @Override
    public void checkRestorable(String source, Instant time) {
        try {
            var pitr = dynamo.describeContinuousBackups(b -> b.tableName(source))
                    .continuousBackupsDescription()
                    .pointInTimeRecoveryDescription();
            if (pitr == null || pitr.pointInTimeRecoveryStatus() != PointInTimeRecoveryStatus.ENABLED) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "table " + source + " has no point-in-time recovery: it cannot be "
                                + "restored to a time, and nothing was changed",
                        "restore a backup id instead ('cva backup list')");
            }
            Instant earliest = pitr.earliestRestorableDateTime();
            if ((earliest != null && time.isBefore(earliest)) || time.isAfter(Instant.now())) {
                throw CvaException.usage(
                        "--to-time " + time + " is outside the point-in-time window of " + source + " (" + earliest
                                + " .. now), and nothing was changed",
                        "pick a time in that window (DynamoDB keeps 35 days)");
            }
        } catch (SdkException e) {
            throw failure("read the point-in-time recovery of " + source, e);
        }
    }

    @Override
    public void restoreToTime(Kind kind, String source, Instant time, String table) {
        try {
            dynamo.restoreTableToPointInTime(
                    b -> b.sourceTableName(source).targetTableName(table).restoreDateTime(time));
        } catch (InvalidRestoreTimeException e) {
            throw CvaException.usage(
                    "--to-time " + time + " is outside the point-in-time window of " + source + ": "
                            + e.awsErrorDetails().errorMessage(),
                    "pick a time in DynamoDB's window (up to 35 days, not the last minutes)");
        } catch (SdkException e) {
            throw failure("restore " + source + " at " + time + " into " + table, e);
        }
        rewire(kind, table);
    }

    @Override
    public void rewire(Kind kind, String table) {
        try {
            dynamo.waiter()
                    .waitUntilTableExists(
                            b -> b.tableName(table),
                            o -> o.waitTimeout(
                                    java.time.Duration.ofMinutes(30))); // ACTIVE: a restore takes minutes to hours
            var t = dynamo.describeTable(b -> b.tableName(table)).table();
            if (kind == Kind.ANALYTICS
                    && (t.streamSpecification() == null
                            || !Boolean.TRUE.equals(t.streamSpecification().streamEnabled()))) {
                dynamo.updateTable(b -> b.tableName(table)
                        .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
                dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
            }
            if (kind == Kind.INTERIM) {
                var ttl = dynamo.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
                if (ttl == null || ttl.timeToLiveStatus() != TimeToLiveStatus.ENABLED) {
                    dynamo.updateTimeToLive(b -> b.tableName(table)
                            .timeToLiveSpecification(s -> s.attributeName("ttl").enabled(true)));
                }
            }
            dynamo.updateContinuousBackups(
                    b -> b.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        } catch (SdkException e) {
            throw failure("re-wire the stream, TTL and PITR of " + table, e);
        }
    }

    @Override
    public String streamArn(String table) {
        try {
            return dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        } catch (SdkException e) {
            throw failure("describe " + table, e);
        }
    }

    @Override
    public long deleteAll(String table) {
        List<WriteRequest> batch = new ArrayList<>();
        long[] n = {0};
        scan(table, item -> {
            batch.add(WriteRequest.builder()
                    .deleteRequest(d -> d.key(Map.of(Tables.PARTITION_KEY, item.get(Tables.PARTITION_KEY))))
                    .build());
            if (batch.size() == BATCH) {
                n[0] += write(table, List.copyOf(batch));
                batch.clear();
            }
        });
        if (!batch.isEmpty()) {
            n[0] += write(table, batch);
        }
        return n[0];
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** An SDK failure in words: the service's error code and message, never a credential. */
    static CvaException failure(String what, SdkException e) {
        String reason = e instanceof AwsServiceException a && a.awsErrorDetails() != null
                ? a.awsErrorDetails().errorCode() + ": " + a.awsErrorDetails().errorMessage()
                : e.getClass().getSimpleName() + ": "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        String hint = reason.startsWith("AccessDenied")
                ? "assume the restore role (infra/services/processor/restore.tf)"
                : null;
        return new CvaException(ExitCode.FAILURE, "cannot " + what + ": " + reason, hint, e);
    }
}
