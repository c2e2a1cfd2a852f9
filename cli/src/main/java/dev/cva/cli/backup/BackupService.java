package dev.cva.cli.backup;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Backups and restores of both stores, whatever the environment: the flow and its checks, over the two stores'
 * ports and the catalogue. Nothing here knows a cloud.
 */
public final class BackupService {
    /** The names the services use now: the two tables and the Firestore database. */
    public record Names(String analyticsTable, String interimTable, String database) {}

    /**
     * Where a restore writes: the configured names ({@code inPlace}) or new ones ({@code <table>-<suffix>} and
     * database {@code <suffix>}), created with their stream, TTL and PITR.
     */
    public record Plan(
            String backup,
            boolean inPlace,
            Names target,
            List<String> steps,
            Instant toTime,
            List<String> fromBackups) {
        public Plan(String backup, boolean inPlace, Names target, List<String> steps) {
            this(backup, inPlace, target, steps, null, List.of());
        }
    }

    /** What {@code --resume} did: the steps after the data of a restore into new names, run again. */
    public record Resumed(String backup, Names target, double seconds, String next, List<String> done) {}

    /** @param reconcile null when not run (a restore into new names: the services do not use them yet) */
    public record Restored(
            String backup,
            boolean inPlace,
            Names target,
            long dynamodbRecords,
            long firestoreDocuments,
            double seconds,
            Reconciler.Result reconcile,
            String next,
            List<String> done) {}

    static final String DYNAMODB_ANALYTICS = "dynamodb-analytics.jsonl";
    static final String DYNAMODB_INTERIM = "dynamodb-interim.jsonl";
    static final String FIRESTORE_ANALYTICS = "firestore-analytics.jsonl";
    static final String FIRESTORE_STATS = "firestore-stats.jsonl";

    private final TableData tables;
    private final DocumentData documents;
    private final Catalogue catalogue;
    private final Names names;
    private final Manifest.Origin origin;
    private final String environment;
    private final Clock clock;
    private final boolean onDemand;
    private StreamMappings mappings;
    private ServiceSwitch switcher;
    private java.util.function.Function<Names, List<String>> configSwitch;
    private FirestoreNative firestoreNative;
    private ReceiverSwitch receiverSwitch;
    private java.util.function.Function<String, String> databaseConfig;

    BackupService(
            TableData tables,
            DocumentData documents,
            Catalogue catalogue,
            Names names,
            Manifest.Origin origin,
            String environment,
            Clock clock,
            boolean onDemand) {
        this.onDemand = onDemand;
        this.tables = tables;
        this.documents = documents;
        this.catalogue = catalogue;
        this.names = names;
        this.origin = origin;
        this.environment = environment;
        this.clock = clock;
    }

    /** The notifier's mappings, re-made on a restored analytics table's stream (cloud environments). */
    BackupService withMappings(StreamMappings mappings) {
        this.mappings = mappings;
        return this;
    }

    /** Firestore's own backups and restores (cloud environments): a restore into new names uses them. */
    BackupService withFirestoreNative(FirestoreNative firestoreNative) {
        this.firestoreNative = firestoreNative;
        return this;
    }

    /** The switch after a restore into new names: the services' configuration, then cva.yaml's names. */
    BackupService withSwitch(ServiceSwitch switcher, java.util.function.Function<Names, List<String>> configSwitch) {
        this.switcher = switcher;
        this.configSwitch = configSwitch;
        return this;
    }

    /**
     * The Firestore side of a restore into a new database (cloud environments with Firestore's Admin API): its rules
     * and indexes, the receiver's switch, then cva.yaml's {@code gcp.firestoreDatabase} ({@code databaseConfig}: sets
     * it, says what it changed).
     */
    BackupService withReceiverSwitch(
            ReceiverSwitch receiverSwitch, java.util.function.Function<String, String> databaseConfig) {
        this.receiverSwitch = receiverSwitch;
        this.databaseConfig = databaseConfig;
        return this;
    }

    /** Whether a restore into new names can switch the services here (cloud environments). */
    public boolean canSwitch() {
        return switcher != null;
    }

    public Names names() {
        return names;
    }

    /**
     * Copies both stores: Firestore first, then DynamoDB (the source of truth), so the copy of Firestore is never
     * ahead of DynamoDB's: a record that arrives in between is in DynamoDB's copy only, and the reconcile after a
     * restore sends it on, as the notifier would have.
     */
    public Manifest backup() {
        Instant at = clock.instant();
        Path dir = catalogue.create(at);
        List<Copy> copies = new ArrayList<>();
        copies.add(documents.exportAnalytics(names.database(), dir.resolve(FIRESTORE_ANALYTICS)));
        copies.add(documents.exportStats(names.database(), dir.resolve(FIRESTORE_STATS)));
        copies.add(tables.export(names.analyticsTable(), dir.resolve(DYNAMODB_ANALYTICS)));
        copies.add(tables.export(names.interimTable(), dir.resolve(DYNAMODB_INTERIM)));
        String id = dir.getFileName().toString();
        List<String> native_ = onDemand
                ? List.of(
                        tables.onDemandBackup(names.analyticsTable(), id + "-analytics"),
                        tables.onDemandBackup(names.interimTable(), id + "-interim"))
                : List.of();
        String firestoreBackup = onDemand && firestoreNative != null
                ? firestoreNative.newestBackup(names.database()).orElse(null)
                : null;
        Manifest m = new Manifest(
                Manifest.FORMAT,
                id,
                at,
                environment,
                origin,
                Duration.between(at, clock.instant()).toMillis() / 1000.0,
                copies,
                native_,
                firestoreBackup);
        catalogue.write(dir, m);
        return m;
    }

    public List<Manifest> list() {
        return catalogue.list();
    }

    /**
     * What a restore of {@code id} would do, after the checks that refuse it: an unknown id or one of another
     * system (exit 2), a target that already holds data (exit 1). Changes nothing.
     */
    public Plan plan(String id, String into, boolean inPlace) {
        return plan(id, into, inPlace, null);
    }

    /**
     * As {@link #plan(String, String, boolean)}; with {@code toTime}, the tables are restored to that instant with
     * DynamoDB's point-in-time recovery (RestoreTableToPointInTime) and Firestore from backup {@code id}, which must
     * have been taken at or before it. On a cloud environment a restore into new names uses the clouds' own restores
     * (RestoreTableFromBackup from the manifest's on-demand backups); on {@code local} it writes the backup's copies.
     */
    public Plan plan(String id, String into, boolean inPlace, Instant toTime) {
        Manifest m = manifest(id);
        Names target = inPlace
                ? names
                : new Names(names.analyticsTable() + "-" + into, names.interimTable() + "-" + into, into);
        List<String> steps = new ArrayList<>();
        if (toTime != null) {
            if (!onDemand) {
                throw CvaException.usage(
                        "--to-time needs the clouds' point-in-time recovery, and " + environment
                                + " has none: its emulators keep no history, and nothing was changed",
                        "restore a backup id of 'cva backup list'");
            }
            if (inPlace) {
                throw CvaException.usage(
                        "--to-time restores into new tables only (DynamoDB restores to a point in time "
                                + "into a new table)",
                        "leave out --in-place");
            }
            tables.checkRestorable(names.analyticsTable(), toTime);
            tables.checkRestorable(names.interimTable(), toTime);
            if (firestoreNative == null && m.createdAt().isAfter(toTime)) {
                throw CvaException.usage(
                        "backup " + id + " was taken at " + m.createdAt() + ", after --to-time " + toTime
                                + ": Firestore would be ahead of DynamoDB",
                        "pick a backup taken at or before " + toTime);
            }
        }
        List<String> fromBackups = !inPlace
                        && toTime == null
                        && onDemand
                        && m.onDemandBackups() != null
                        && m.onDemandBackups().size() == 2
                ? m.onDemandBackups()
                : List.of();
        for (String table : List.of(target.analyticsTable(), target.interimTable())) {
            boolean analytics = table.equals(target.analyticsTable());
            if (toTime != null || !fromBackups.isEmpty()) {
                if (tables.exists(table)) {
                    throw new CvaException(
                            ExitCode.FAILURE,
                            "table " + table + " already exists: the cloud restores only "
                                    + "into a new table, and nothing was changed",
                            "choose another name with --into");
                }
                steps.add(
                        toTime != null
                                ? "restore " + (analytics ? names.analyticsTable() : names.interimTable())
                                        + " as it was at " + toTime + " into " + table
                                        + " (RestoreTableToPointInTime), then set its "
                                        + (analytics ? "stream NEW_IMAGE" : "TTL on ttl") + " and PITR"
                                : "restore the on-demand backup " + fromBackups.get(analytics ? 0 : 1) + " into "
                                        + table + " (RestoreTableFromBackup), then set its "
                                        + (analytics ? "stream NEW_IMAGE" : "TTL on ttl") + " and PITR");
                if (analytics && mappings != null) {
                    steps.add("map the stream of " + table + " to " + mappings.describe()
                            + " (services.notifier.eventSource)");
                }
                continue;
            }
            if (tables.exists(table)) {
                long n = tables.count(table);
                if (n > 0) {
                    throw new CvaException(
                            ExitCode.FAILURE,
                            "table " + table + " already holds " + n + " items: a restore"
                                    + " writes only into empty tables, and nothing was changed",
                            inPlace
                                    ? "restore into new tables instead (without --in-place), or empty it first if its data is the damage"
                                    : "choose another name with --into");
                }
                steps.add("write " + records(m, table.equals(target.analyticsTable())) + " items into the empty table "
                        + table);
            } else {
                steps.add("create table " + table + " ("
                        + (table.equals(target.analyticsTable()) ? "stream NEW_IMAGE, week-index, " : "TTL on ttl, ")
                        + "PITR) and write " + records(m, table.equals(target.analyticsTable())) + " items");
            }
        }
        String firestoreFrom = nativeFirestore(m, inPlace, toTime);
        if (firestoreFrom != null) {
            steps.add(
                    toTime != null
                            ? "clone Firestore database " + names.database() + " as it was at " + toTime
                                    + " into the new database " + target.database()
                                    + " (point-in-time recovery, databases:clone)"
                            : "restore the Firestore backup " + firestoreFrom + " into the new database "
                                    + target.database() + " (databases:restore)");
        }
        long docs = firestoreFrom != null ? 0 : documents.count(target.database());
        if (firestoreFrom == null && docs > 0) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "Firestore database " + target.database() + " already holds " + docs
                            + " analytics documents: a restore writes only into an empty database, and nothing was changed",
                    inPlace
                            ? "restore into a new database instead (without --in-place)"
                            : "choose another name with --into");
        }
        if (firestoreFrom == null) {
            steps.add("write " + m.records("firestore")
                    + " analytics documents and their stats shards into Firestore database " + target.database());
        }
        if (!inPlace && receiverSwitch != null) {
            steps.addAll(receiverSwitch.describe(target.database()));
        }
        if (inPlace) {
            steps.add("reconcile: re-send through the notifier every record DynamoDB has and Firestore lacks");
        } else if (switcher != null) {
            switchSteps(target, steps);
        } else {
            steps.add(
                    "the services are not switched on " + environment + ": see README 'Backups and disaster recovery'");
        }
        return new Plan(id, inPlace, target, steps, toTime, fromBackups);
    }

    private Manifest manifest(String id) {
        Manifest m = catalogue.get(id);
        if (!m.origin().equals(origin)) {
            throw CvaException.usage(
                    "backup " + id + " was taken from " + m.origin().describe() + ", not from this " + origin.describe()
                            + ": restoring it here would mix two systems' data",
                    "restore it where it was taken (" + m.environment()
                            + "), or pick one of this system's backups: 'cva backup list'");
        }
        return m;
    }

    /** The plan's words for the switch after a restore into new names (cloud environments). */
    private void switchSteps(Names target, List<String> steps) {
        steps.add("then (unless --no-switch) switch the processor and reporter to the new tables (a "
                + "configuration-only deploy: version published, live moved), disable the notifier's mapping on the old "
                + "stream and set the new names in cva.yaml");
        if (receiverSwitch != null) {
            steps.add("then (unless --no-switch) set the receiver's FIRESTORE_DATABASE to " + target.database()
                    + " (a configuration-only deploy: all traffic to its new revision) and gcp.firestoreDatabase: "
                    + target.database() + " in cva.yaml");
        }
    }

    /**
     * What {@code cva restore ID --into NAME --resume} would do after a restore into new names that stopped after
     * its data was restored: the stream's mapping, the Firestore rules and indexes, and the switch of what is not
     * switched yet (the processor and reporter while cva.yaml names the old tables, the receiver while it names the
     * old database). Every step is safe to run again. Refuses when the tables of NAME do not exist (exit 2).
     */
    public Plan resumePlan(String id, String into) {
        manifest(id);
        boolean tablesSwitched = names.analyticsTable().endsWith("-" + into)
                && names.interimTable().endsWith("-" + into);
        Names target = tablesSwitched
                ? new Names(names.analyticsTable(), names.interimTable(), into)
                : new Names(names.analyticsTable() + "-" + into, names.interimTable() + "-" + into, into);
        for (String table : List.of(target.analyticsTable(), target.interimTable())) {
            if (!tables.exists(table)) {
                throw CvaException.usage(
                        "no table " + table + ": there is no restore into " + into + " to resume, and "
                                + "nothing was changed",
                        "restore into new names without --resume: cva restore " + id + " --into " + into);
            }
        }
        List<String> steps = new ArrayList<>();
        if (mappings != null) {
            steps.add(
                    "map the stream of " + target.analyticsTable() + " to " + mappings.describe() + " (unless it is)");
        }
        if (receiverSwitch != null) {
            steps.addAll(receiverSwitch.describe(into));
        }
        if (switcher != null) {
            switchSteps(target, steps);
        }
        return new Plan(id, false, target, steps);
    }

    /** Runs {@link #resumePlan}'s steps; with {@code switchServices}, the switch too. */
    public Resumed resume(Plan plan, boolean switchServices) {
        Instant start = clock.instant();
        List<String> done = new ArrayList<>();
        afterData(plan.backup(), plan.target(), done, switchServices && switcher != null);
        return new Resumed(
                plan.backup(),
                plan.target(),
                Duration.between(start, clock.instant()).toMillis() / 1000.0,
                next(plan.target(), switchServices && switcher != null),
                done);
    }

    /**
     * What follows the data of a restore into new names, each step appended to {@code done} as it completes: the
     * notifier's mapping on the new stream, the new database's rules and indexes, then (with {@code switchServices})
     * the processor and reporter, cva.yaml's table names, the receiver and cva.yaml's database. A failure says what
     * was done and how to resume; each step is safe to run again.
     */
    private void afterData(String backup, Names t, List<String> done, boolean switchServices) {
        try {
            if (mappings != null) {
                String uuid =
                        mappings.map(tables.streamArn(t.analyticsTable()), tables.streamArn(names.analyticsTable()));
                done.add("mapped: the stream of " + t.analyticsTable() + " to " + mappings.describe() + " (mapping "
                        + uuid + ")");
            }
            if (receiverSwitch != null) {
                receiverSwitch.rewire(t.database(), done);
            }
            if (switchServices) {
                if (!names.analyticsTable().equals(t.analyticsTable())) {
                    done.addAll(switcher.switchTables(names, t));
                    done.addAll(configSwitch.apply(t));
                }
                if (receiverSwitch != null && !names.database().equals(t.database())) {
                    receiverSwitch.switchTo(names.database(), t.database(), done);
                    done.add(databaseConfig.apply(t.database()));
                }
            }
        } catch (CvaException e) {
            throw new CvaException(
                    e.exitCode(),
                    e.getMessage(),
                    (e.hint() == null ? "" : e.hint() + ". ") + "The data is "
                            + "restored into " + t.analyticsTable() + ", " + t.interimTable() + " and database "
                            + t.database()
                            + "; done: " + (done.isEmpty() ? "nothing" : String.join("; ", done))
                            + ". Resume with: cva restore "
                            + backup + " --into " + t.database() + " --resume" + (switchServices ? "" : " --no-switch")
                            + " --env " + environment,
                    e);
        }
    }

    /** What is left to do by hand after a restore into new names. */
    private String next(Names t, boolean switched) {
        String firestoreNext =
                "set gcp.firestoreDatabase: " + t.database() + " in cva.yaml (environments." + environment
                        + ") and run 'cva infra apply receiver' to move the receiver to it (with its rules and indexes)";
        if (switched && receiverSwitch != null) {
            return "run 'cva infra plan processor' and 'cva infra plan receiver' before their next apply: the Terraform "
                    + "still describes the old tables, and the rules' release "
                    + FirebaseRulesRest.release(t.database())
                    + " and the indexes cva made on " + t.database() + " are not in its state yet (terraform import)";
        }
        return switched
                ? "the receiver still writes to Firestore database " + names.database()
                        + " (the restored documents are in " + t.database() + "): " + firestoreNext
                : "switch the services to the restored data: in cva.yaml (environments." + environment
                        + ") set aws.analyticsTable: " + t.analyticsTable() + " and aws.queryEventsTable: "
                        + t.interimTable()
                        + ", then 'cva infra apply processor', 'cva infra apply notifier' (the stream's mapping) and 'cva deploy --all'; "
                        + firestoreNext;
    }

    /**
     * Where Firestore comes back from natively, or null to write the backup's copies: on a cloud environment with
     * Firestore's Admin API, into a new database, the point-in-time clone (--to-time) or the scheduled backup the
     * manifest recorded.
     */
    private String nativeFirestore(Manifest m, boolean inPlace, Instant toTime) {
        if (inPlace || !onDemand || firestoreNative == null) {
            return null;
        }
        return toTime != null ? names.database() + "@" + toTime : m.firestoreBackup();
    }

    private static long records(Manifest m, boolean analytics) {
        return m.file(analytics ? DYNAMODB_ANALYTICS : DYNAMODB_INTERIM);
    }

    /**
     * Restores as {@code plan} says: Firestore first, then the tables, then (in place) the reconcile. With a
     * reconciler of null, the reconcile is left out.
     */
    public Restored restore(Plan plan, Reconciler reconciler, Duration reconcileWait) {
        return restore(plan, reconciler, reconcileWait, false);
    }

    /**
     * As {@link #restore(Plan, Reconciler, Duration)}; with {@code switchServices} (into new names, where
     * {@link #canSwitch}), the services are then switched to the new tables and cva.yaml's names for the
     * environment updated, so later cva commands see them.
     */
    public Restored restore(Plan plan, Reconciler reconciler, Duration reconcileWait, boolean switchServices) {
        Instant start = clock.instant();
        Path dir = catalogue.folder(plan.backup());
        Names t = plan.target();
        List<String> done = new ArrayList<>();
        long docs;
        String firestoreFrom = nativeFirestore(catalogue.get(plan.backup()), plan.inPlace(), plan.toTime());
        if (firestoreFrom != null) {
            if (plan.toTime() != null) {
                firestoreNative.cloneAt(names.database(), plan.toTime(), t.database());
            } else {
                firestoreNative.restore(firestoreFrom, t.database());
            }
            docs = documents.count(t.database());
            done.add("firestore: " + docs + " analytics documents from " + firestoreFrom + " into the new database "
                    + t.database() + (plan.toTime() != null ? " (databases:clone)" : " (databases:restore)"));
        } else {
            docs = documents.load(dir.resolve(FIRESTORE_ANALYTICS), t.database());
            documents.load(dir.resolve(FIRESTORE_STATS), t.database());
            done.add("firestore: " + docs + " analytics documents from " + plan.backup() + " into database "
                    + t.database());
        }
        long items;
        if (plan.toTime() != null || !plan.fromBackups().isEmpty()) {
            if (plan.toTime() != null) {
                tables.restoreToTime(
                        TableData.Kind.ANALYTICS, names.analyticsTable(), plan.toTime(), t.analyticsTable());
                tables.restoreToTime(TableData.Kind.INTERIM, names.interimTable(), plan.toTime(), t.interimTable());
                done.add("dynamodb: " + names.analyticsTable() + " and " + names.interimTable() + " at " + plan.toTime()
                        + " into " + t.analyticsTable() + " and " + t.interimTable() + " (RestoreTableToPointInTime)");
            } else {
                tables.restoreFromBackup(
                        TableData.Kind.ANALYTICS, plan.fromBackups().get(0), t.analyticsTable());
                tables.restoreFromBackup(
                        TableData.Kind.INTERIM, plan.fromBackups().get(1), t.interimTable());
                done.add("dynamodb: on-demand backups into " + t.analyticsTable() + " and " + t.interimTable()
                        + " (RestoreTableFromBackup)");
            }
            done.add("re-wired: stream NEW_IMAGE on " + t.analyticsTable() + ", TTL on ttl on " + t.interimTable()
                    + ", PITR on both");
            items = tables.count(t.analyticsTable());
        } else {
            if (!tables.exists(t.analyticsTable())) {
                tables.create(TableData.Kind.ANALYTICS, t.analyticsTable());
            }
            if (!tables.exists(t.interimTable())) {
                tables.create(TableData.Kind.INTERIM, t.interimTable());
            }
            items = tables.load(dir.resolve(DYNAMODB_ANALYTICS), t.analyticsTable());
            tables.load(dir.resolve(DYNAMODB_INTERIM), t.interimTable());
            done.add("dynamodb: " + items + " items from " + plan.backup() + " into " + t.analyticsTable() + " and "
                    + t.interimTable());
        }
        boolean switched = switchServices && !plan.inPlace() && switcher != null;
        if (!plan.inPlace()) {
            afterData(plan.backup(), t, done, switched);
        }
        Reconciler.Result rec = plan.inPlace() && reconciler != null
                ? reconciler.run(t.analyticsTable(), t.database(), reconcileWait)
                : null;
        String next = plan.inPlace() ? null : next(t, switched);
        return new Restored(
                plan.backup(),
                plan.inPlace(),
                t,
                items,
                docs,
                Duration.between(start, clock.instant()).toMillis() / 1000.0,
                rec,
                next,
                done);
    }
}
