package dev.cva.cli.backup;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.env.Confirmation;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cva restore ID}: both stores back from a backup. Thin: {@link BackupService} plans and restores. */
@Command(
        name = "restore",
        sortOptions = false,
        description = {
            "Restore both stores from a backup of 'cva backup list': by default into new tables "
                    + "(<table>-<NAME>; on a cloud environment with DynamoDB's RestoreTableFromBackup, or "
                    + "RestoreTableToPointInTime with --to-time) and a new Firestore database NAME, re-wired (stream, TTL, "
                    + "PITR, the notifier's mapping, the Firestore rules and indexes), then switches the processor, the "
                    + "reporter and the receiver to them (configuration-only deploys) and sets the new names in cva.yaml; "
                    + "with --in-place into the tables and database the services "
                    + "use, after a confirmation naming the environment, then reconciles: every record DynamoDB has and "
                    + "Firestore lacks is re-sent through the notifier. Cloud environments restore into new names; local "
                    + "restores in place only (its running stack cannot be switched).",
            "Refuses, changing nothing: an unknown backup id or one taken from another project, account or GCP "
                    + "project (exit 2), --to-time on local or outside the tables' window (exit 2), a restore into new names on "
                    + "local (exit 2: use --in-place), a target table or database that already holds data (exit 1).",
            "A step after the data that fails (exit 1) names what was done and the command that resumes: "
                    + "cva restore ID --into NAME --resume.",
            "Exit 0, 1 when a store fails or a check refuses, 2 for bad input, 4 when not confirmed."
        })
public final class RestoreCommand implements Callable<Integer> {
    private static final DateTimeFormatter SUFFIX =
            DateTimeFormatter.ofPattern("'r'yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private final CvaContext ctx;

    @Parameters(index = "0", paramLabel = "ID", description = "The backup to restore (see cva backup list).")
    String id;

    @Option(
            names = "--into",
            paramLabel = "NAME",
            description = "Suffix of the new tables and name of the new Firestore "
                    + "database: 4 to 30 lowercase letters, digits and '-' (default: r<yyyyMMddHHmmss>).")
    String into;

    @Option(
            names = "--in-place",
            description = "Restore into the tables and database the services use now (they must be "
                    + "empty), then reconcile.")
    boolean inPlace;

    @Option(
            names = "--to-time",
            paramLabel = "TIME",
            description = "Restore the tables as they were at this instant "
                    + "(ISO-8601, e.g. 2026-12-07T15:00:00Z; within DynamoDB's 35-day point-in-time window) into new tables, and "
                    + "Firestore from backup ID (taken at or before it). Cloud environments only: on local (no history) it "
                    + "refuses with exit 2.")
    String toTime;

    @Option(
            names = "--no-switch",
            description = "Into new names on a cloud environment: leave the services and cva.yaml "
                    + "on the old tables (by default the processor's and reporter's table names are switched by a "
                    + "configuration-only deploy, the notifier's old mapping disabled and cva.yaml updated).")
    boolean noSwitch;

    @Option(
            names = "--resume",
            description = "With --into NAME: the data of an earlier restore into NAME is there; run "
                    + "again the steps after it that a failure stopped (the stream's mapping, the Firestore rules and indexes, "
                    + "and unless --no-switch the switch of what is not switched yet). Each is safe to run again.")
    boolean resume;

    @Option(names = "--dry-run", description = "Check and print the plan; change nothing.")
    boolean dryRun;

    RestoreCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (inPlace && into != null) {
            throw CvaException.usage(
                    "--in-place and --into exclude each other",
                    "--into names new tables; --in-place writes into the current ones");
        }
        if (resume && (into == null || inPlace || toTime != null)) {
            throw CvaException.usage(
                    "--resume needs --into NAME (the restore to resume), without --in-place or --to-time",
                    "cva restore " + id + " --into NAME --resume");
        }
        // Firestore's database id rules (4 to 63 characters, a letter first, no '-' last), at most 30 so that the
        // table names it suffixes stay short: refused here rather than by the cloud after the DynamoDB restore.
        if (into != null && !into.matches("[a-z][a-z0-9-]{2,28}[a-z0-9]")) {
            throw CvaException.usage(
                    "--into '" + into + "' is not a name for a table suffix and a Firestore database",
                    "4 to 30 lowercase letters, digits and '-', starting with a letter and not ending with '-'");
        }
        java.time.Instant time = null;
        if (toTime != null) {
            if (dev.cva.cli.env.Environments.isLocal(ctx.environmentName())) {
                throw CvaException.usage(
                        "--to-time needs the clouds' point-in-time recovery, and " + ctx.environmentName()
                                + " has none: its emulators keep no history, and nothing was changed",
                        "restore a backup id of 'cva backup list'");
            }
            try {
                time = java.time.Instant.parse(toTime);
            } catch (java.time.format.DateTimeParseException e) {
                throw CvaException.usage(
                        "--to-time '" + toTime + "' is not an ISO-8601 instant", "e.g. 2026-12-07T15:00:00Z");
            }
        }
        if (!inPlace && dev.cva.cli.env.Environments.isLocal(ctx.environmentName())) {
            throw CvaException.usage(
                    "on " + ctx.environmentName() + " a restore goes in place: the running stack's "
                            + "functions and receiver get their table and database names when 'cva local up' starts them, so "
                            + "restored copies under new names would not be what it serves; nothing was changed",
                    "cva restore " + id
                            + " --in-place (into the emptied tables and database, then reconcile, as 'cva dr drill' does)");
        }
        String name = into != null ? into : SUFFIX.format(ctx.clock().instant());
        try (BackupEnvironment env = BackupEnvironment.open(ctx)) {
            BackupService service = env.service();
            BackupService.Plan plan = resume ? service.resumePlan(id, name) : service.plan(id, name, inPlace, time);
            if (dryRun) {
                render(plan);
                return ExitCode.OK.code();
            }
            confirm(plan);
            if (resume) {
                BackupService.Resumed r = service.resume(plan, !noSwitch);
                if (ctx.globals().json()) {
                    ctx.printJson(r);
                } else {
                    ctx.out()
                            .printf(
                                    Locale.ROOT,
                                    "resumed the restore of %s into %s in %.1f s%n",
                                    r.backup(),
                                    r.target().database(),
                                    r.seconds());
                    r.done().forEach(d -> ctx.out().println("  " + d));
                    ctx.out().flush();
                    ctx.info("next: " + r.next());
                }
                return ExitCode.OK.code();
            }
            BackupService.Restored r = service.restore(plan, env.reconciler(), Duration.ofMinutes(5), !noSwitch);
            if (ctx.globals().json()) {
                ctx.printJson(r);
            } else {
                ctx.out()
                        .printf(
                                Locale.ROOT,
                                "restored %s into %s: %d DynamoDB items (%s), %d Firestore documents (database %s) in %.1f s%n",
                                r.backup(),
                                r.inPlace() ? "place" : "new names",
                                r.dynamodbRecords(),
                                r.target().analyticsTable(),
                                r.firestoreDocuments(),
                                r.target().database(),
                                r.seconds());
                r.done().forEach(d -> ctx.out().println("  " + d));
                if (r.reconcile() != null) {
                    var c = r.reconcile();
                    ctx.out()
                            .printf(
                                    Locale.ROOT,
                                    "reconciled: %d records in DynamoDB, %d documents before, %d missing, %d re-sent, "
                                            + "%d still missing, %d documents after%n",
                                    c.dynamodb(),
                                    c.firestoreBefore(),
                                    c.missing(),
                                    c.resent(),
                                    c.stillMissing(),
                                    c.firestoreAfter());
                }
                ctx.out().flush();
                if (r.next() != null) {
                    ctx.info("next: " + r.next());
                }
            }
            return r.reconcile() != null && r.reconcile().stillMissing() > 0
                    ? ExitCode.PARTIAL.code()
                    : ExitCode.OK.code();
        }
    }

    private void render(BackupService.Plan plan) {
        if (ctx.globals().json()) {
            ctx.printJson(plan);
            return;
        }
        ctx.out()
                .println((resume ? "resume the restore of " : "restore ") + plan.backup() + " in "
                        + ctx.environmentName() + (plan.inPlace() ? ", in place:" : ", into new names:"));
        plan.steps().forEach(s -> ctx.out().println("  " + s));
        ctx.out().flush();
        ctx.info("dry run: nothing changed");
    }

    /** In place: always asked, naming the environment (--yes answers); into new names: as any cloud change. */
    private void confirm(BackupService.Plan plan) {
        String action = (resume ? "resume the restore of " : "restore ")
                + plan.backup()
                + (plan.inPlace() ? " in place" : " into new tables");
        if (!plan.inPlace()) {
            Confirmation.cloudChange(ctx, action);
            return;
        }
        if (Confirmation.preapproved(ctx)) {
            return;
        }
        String where = Confirmation.where(ctx);
        Confirmation.requireTerminal(
                ctx,
                "cva restore --in-place writes into the live data of " + where
                        + " and asks first, but this is no terminal",
                "pass --yes to go ahead without asking");
        if (!Confirmation.ask(ctx, action + " into the live tables and database of " + where)) {
            throw new CvaException(
                    ExitCode.NOTHING_TO_DO, "not confirmed: nothing changed in " + ctx.environmentName());
        }
    }
}
