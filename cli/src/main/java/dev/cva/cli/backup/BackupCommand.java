package dev.cva.cli.backup;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.support.Table;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code cva backup}: a backup of both stores; {@code cva backup list}: the catalogue. Thin: {@link BackupService}. */
@Command(
        name = "backup",
        sortOptions = false,
        description = {
            "Back up both stores: every item of the DynamoDB tables (analytics and interim) and every document "
                    + "the receiver writes in Firestore (analytics, stats shards), DynamoDB first, into .cva/backups/<id>/ "
                    + "with a manifest (id, time, sizes, record counts per store, the project, account and GCP project it "
                    + "came from).",
            "Production keeps its own history too: DynamoDB point-in-time recovery (35 days, to the second) and "
                    + "Firestore PITR (7 days, by the minute) with a daily backup (infra/).",
            "Exit 0, 1 when a store cannot be read."
        },
        subcommands = {BackupCommand.ListBackups.class})
public final class BackupCommand implements Callable<Integer> {
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final CvaContext ctx;

    BackupCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Manifest m;
        try (BackupEnvironment env = BackupEnvironment.open(ctx)) {
            ctx.info("backing up " + ctx.environmentName() + " ...");
            m = env.service().backup();
        }
        if (ctx.globals().json()) {
            ctx.printJson(m);
            return ExitCode.OK.code();
        }
        ctx.out().println(m.id());
        ctx.out().flush();
        ctx.info(String.format(
                Locale.ROOT,
                "backup %s of %s: %d records in DynamoDB (%d interim), %d in Firestore (%d stats shards), %s, in %.1f s",
                m.id(),
                m.environment(),
                m.records("dynamodb"),
                m.file(BackupService.DYNAMODB_INTERIM),
                m.records("firestore"),
                m.file(BackupService.FIRESTORE_STATS),
                size(m.bytes()),
                m.seconds()));
        return ExitCode.OK.code();
    }

    static String size(long bytes) {
        return bytes < 1024
                ? bytes + " B"
                : bytes < 1024 * 1024
                        ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                        : String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
    }

    /** {@code cva backup list}. */
    @Command(
            name = "list",
            description = {
                "List the backups of this checkout, oldest first: id, time (UTC), environment, "
                        + "records per store, size.",
                "Exit 0 (an empty list too)."
            })
    static final class ListBackups implements Callable<Integer> {
        private final CvaContext ctx;

        ListBackups(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<Manifest> all = new Catalogue(ctx.projectRoot()).list();
            if (ctx.globals().json()) {
                ctx.printJson(all);
                return ExitCode.OK.code();
            }
            if (all.isEmpty()) {
                ctx.info("no backups in " + new Catalogue(ctx.projectRoot()).root() + ": take one with 'cva backup'");
                return ExitCode.OK.code();
            }
            Table t = new Table("ID", "TIME (UTC)", "ENV", "DYNAMODB", "INTERIM", "FIRESTORE", "STATS", "SIZE", "FROM");
            for (Manifest m : all) {
                t.row(
                        m.id(),
                        TIME.format(m.createdAt()),
                        m.environment(),
                        Long.toString(m.records("dynamodb")),
                        Long.toString(m.file(BackupService.DYNAMODB_INTERIM)),
                        Long.toString(m.records("firestore")),
                        Long.toString(m.file(BackupService.FIRESTORE_STATS)),
                        size(m.bytes()),
                        m.origin().gcpProject());
            }
            t.print(ctx.out());
            ctx.out().flush();
            return ExitCode.OK.code();
        }
    }
}
