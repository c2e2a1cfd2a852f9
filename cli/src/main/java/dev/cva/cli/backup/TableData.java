package dev.cva.cli.backup;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The DynamoDB side of a backup: a table's items to a file and back, and what a restore re-wires. */
interface TableData {
    /** The table's kind decides what {@link #create} gives a new one: the analytics table has a stream and an index. */
    enum Kind {
        ANALYTICS,
        INTERIM
    }

    boolean exists(String table);

    /** Items in the table (a full count, not the table's 6-hourly estimate). */
    long count(String table);

    /** Writes every item as one DynamoDB JSON line to {@code file}; the count and the file's bytes. */
    Copy export(String table, Path file);

    /** Writes every line of {@code file} into {@code table} (PutItem semantics); how many were written. */
    long load(Path file, String table);

    /** Every item of the table, one at a time (the reconcile's read). */
    void scan(String table, Consumer<Map<String, AttributeValue>> each);

    /**
     * Creates {@code table} as the Terraform defines its kind, with what a cloud restore drops: the stream (NEW_IMAGE)
     * on the analytics table, TTL on {@code ttl}, point-in-time recovery.
     */
    void create(Kind kind, String table);

    /**
     * Asks the cloud for an on-demand backup of {@code table} named {@code name} (CreateBackup: kept until deleted,
     * restorable with RestoreTableFromBackup into a new table); its ARN.
     */
    String onDemandBackup(String table, String name);

    /**
     * Restores the on-demand backup {@code backupArn} into the new table {@code table} (RestoreTableFromBackup) and
     * waits until it is ACTIVE, then re-wires what the cloud's restore drops ({@link #rewire}).
     */
    void restoreFromBackup(Kind kind, String backupArn, String table);

    /**
     * Restores {@code source} as it was at {@code time} into the new table {@code table} (RestoreTableToPointInTime),
     * waits until it is ACTIVE and re-wires it. Refuses (exit 2) a time the cloud finds outside its window.
     */
    void restoreToTime(Kind kind, String source, java.time.Instant time, String table);

    /**
     * Refuses (exit 2) a {@code time} before {@code source}'s earliest restorable time or in the future, and (exit 1)
     * a table without point-in-time recovery.
     */
    void checkRestorable(String source, java.time.Instant time);

    /**
     * What a cloud restore leaves out, set again on {@code table}: the stream (NEW_IMAGE) on the analytics table,
     * TTL on {@code ttl} on the interim table, point-in-time recovery on both.
     */
    void rewire(Kind kind, String table);

    /** The table's latest stream ARN, null when it has none. */
    String streamArn(String table);

    /** Deletes every item (the drill's disaster); how many. */
    long deleteAll(String table);
}
