package dev.cva.cli.backup;

import java.util.List;

/**
 * The Firestore side of a restore into a new database (cloud environments): what a restore drops set again (the
 * security rules' release, the composite indexes), then the receiver moved to it. Each step appends what it did to
 * {@code done} as it completes, so a failure half-way still says what was done.
 */
interface ReceiverSwitch {
    /** The plan's words for {@link #rewire}, then for {@link #switchTo}. */
    List<String> describe(String database);

    /** Rules and indexes on the new {@code database}; nothing reads it yet. Safe to run again. */
    void rewire(String database, List<String> done);

    /** The receiver's {@code FIRESTORE_DATABASE} from {@code from} to {@code to}. Safe to run again. */
    void switchTo(String from, String to, List<String> done);
}
