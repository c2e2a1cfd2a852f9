package dev.cva.cli.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Firestore's own backups and restores (cloud environments): each restore creates a new database and returns when
 * the clouds' operation is done. The local emulator has none; there the backup's copies are written instead.
 */
interface FirestoreNative {
    /** The resource name of the newest ready scheduled backup of {@code database}, if any. */
    Optional<String> newestBackup(String database);

    /** Restores the backup {@code backup} (a resource name) into the new database {@code into}. */
    void restore(String backup, String into);

    /** Clones {@code database} as it was at {@code at} (point-in-time recovery) into the new database {@code into}. */
    void cloneAt(String database, Instant at, String into);

    /** Through the Admin REST API, waiting up to {@code deadline} for each operation. */
    static FirestoreNative rest(FirestoreAdminRest admin, Duration deadline) {
        return new FirestoreNative() {
            @Override
            public Optional<String> newestBackup(String database) {
                return admin.newestBackup(database).map(FirestoreAdminRest.Backup::name);
            }

            @Override
            public void restore(String backup, String into) {
                admin.restore(backup, into, deadline);
            }

            @Override
            public void cloneAt(String database, Instant at, String into) {
                admin.cloneAt(database, at, into, deadline);
            }
        };
    }
}
