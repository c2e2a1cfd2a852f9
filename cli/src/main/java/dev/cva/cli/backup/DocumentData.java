package dev.cva.cli.backup;

import java.nio.file.Path;
import java.util.Set;

/**
 * The Firestore side of a backup, over one database: the documents of the collections the receiver writes
 * ({@code analytics}, and {@code stats/{day}/shards/{n}}) to a file and back.
 */
interface DocumentData {
    /** Documents in {@code analytics} of {@code database}. */
    long count(String database);

    /** The ids of the documents in {@code analytics} of {@code database}. */
    Set<String> ids(String database);

    /** Writes every document of {@code analytics} as one JSON line ({@code path}, {@code fields}) to {@code file}. */
    Copy exportAnalytics(String database, Path file);

    /** The same for the daily stats shards ({@code stats/{day}/shards/{n}}). */
    Copy exportStats(String database, Path file);

    /** Writes every line of {@code file} into {@code database} (same paths); how many documents. */
    long load(Path file, String database);

    /** Deletes every document of the receiver's collections (the drill's disaster); how many. */
    long deleteAll(String database);
}
