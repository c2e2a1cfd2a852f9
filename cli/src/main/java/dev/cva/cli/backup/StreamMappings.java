package dev.cva.cli.backup;

/**
 * The notifier's event source mapping, which a cloud restore does not bring to the new table: {@link #map} gives the
 * new table's stream a mapping to the notifier's live alias with the settings of {@code services.notifier.eventSource}
 * in cva.yaml and the on-failure destination of the old table's mapping.
 */
interface StreamMappings {
    /**
     * Maps {@code newStream} to the notifier, as the mapping of {@code oldStream} is (its destination; cva.yaml's
     * settings); the new mapping's id. The old mapping is left as it is: the services still write to the old table.
     */
    String map(String newStream, String oldStream);

    /** What the mappings are on: the function and its alias. */
    String describe();
}
