package dev.cva.cli.backup;

import java.util.List;

/**
 * The switch after a restore into new names: the services' configuration moved to the restored tables, and the
 * notifier's mapping on the old table's stream disabled. Each step says what it changed.
 */
interface ServiceSwitch {
    List<String> switchTables(BackupService.Names from, BackupService.Names to);
}
