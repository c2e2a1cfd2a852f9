package dev.cva.cli.backup;

/**
 * One store's copy in a backup: {@code store} is {@code dynamodb} or {@code firestore}; {@code source} the table or
 * collection it came from; {@code file} where the copy is, relative to the backup's folder.
 */
public record Copy(String store, String source, String file, long records, long bytes) {}
