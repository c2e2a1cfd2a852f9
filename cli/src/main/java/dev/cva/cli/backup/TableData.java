package dev.cva.cli.backup;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The DynamoDB side of a backup: a table's items to a file and back, and what a restore re-wires. */
interface TableData {
    /** The table's kind decides what {@link #create} gives a new one: the analytics table has a stream and an index. */
    enum Kind { ANALYTICS, INTERIM }

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

    /** Deletes every item (the drill's disaster); how many. */
    long deleteAll(String table);
}
