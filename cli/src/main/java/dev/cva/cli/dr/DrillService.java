package dev.cva.cli.dr;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.backup.BackupEnvironment;
import dev.cva.cli.backup.BackupService;
import dev.cva.cli.backup.Manifest;
import dev.cva.cli.events.LocalTraffic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The disaster-recovery drill on the local stack: load records through the real path (simulated chatbot traffic:
 * SQS, processor, DynamoDB, notifier, receiver, Firestore), back up, destroy both stores' data, restore in place,
 * reconcile, and count each store before and after, with the time each step took.
 */
final class DrillService {
    record Counts(long dynamodb, long interim, long firestore) {}

    record Seconds(double load, double backup, double destroy, double restore, double reconcile, double recovery) {}

    record Lost(long dynamodb, long firestore) {}

    /** @param ok nothing lost in either store */
    record Report(
            String environment,
            int records,
            String backup,
            Counts before,
            Counts loaded,
            Counts destroyed,
            Counts restored,
            Lost lost,
            Seconds seconds,
            long resent,
            boolean ok) {}

    private final CvaContext ctx;
    private final Clock clock;

    DrillService(CvaContext ctx) {
        this.ctx = ctx;
        this.clock = ctx.clock();
    }

    Report run(int records, long seed, Duration loadWait) {
        try (BackupEnvironment env = BackupEnvironment.open(ctx)) {
            BackupService.Names names = env.service().names();
            Counts before = counts(env, names);
            ctx.info("drill: loading " + records + " records through the pipeline ...");
            Instant t0 = clock.instant();
            LocalTraffic.simulate(ctx, records, seed);
            long wantDynamo = before.dynamodb() + records;
            long wantFirestore = before.firestore() + records;
            await(
                    "DynamoDB to hold " + wantDynamo + " records",
                    () -> env.tableCount(names.analyticsTable()),
                    wantDynamo,
                    loadWait);
            await("Firestore to hold " + wantFirestore + " documents", env::documentCount, wantFirestore, loadWait);
            Counts loaded = counts(env, names);
            Instant t1 = clock.instant();

            ctx.info("drill: backing up ...");
            Manifest m = env.service().backup();
            Instant t2 = clock.instant();

            ctx.info("drill: destroying the data of both stores ...");
            env.destroy();
            Counts destroyed = counts(env, names);
            Instant t3 = clock.instant();

            ctx.info("drill: restoring " + m.id() + " in place and reconciling ...");
            BackupService.Restored r = env.restoreInPlace(m.id(), loadWait);
            Instant t4 = clock.instant();
            Counts restored = counts(env, names);
            double reconcile = r.reconcile() == null ? 0 : r.reconcile().seconds();
            double restore = seconds(t3, t4) - reconcile;
            Lost lost = new Lost(
                    Math.max(0, loaded.dynamodb() - restored.dynamodb()),
                    Math.max(0, loaded.firestore() - restored.firestore()));
            return new Report(
                    ctx.environmentName(),
                    records,
                    m.id(),
                    before,
                    loaded,
                    destroyed,
                    restored,
                    lost,
                    new Seconds(seconds(t0, t1), seconds(t1, t2), seconds(t2, t3), restore, reconcile, seconds(t3, t4)),
                    r.reconcile() == null ? 0 : r.reconcile().resent(),
                    lost.dynamodb() == 0 && lost.firestore() == 0);
        }
    }

    private static Counts counts(BackupEnvironment env, BackupService.Names names) {
        return new Counts(
                env.tableCount(names.analyticsTable()), env.tableCount(names.interimTable()), env.documentCount());
    }

    /** Polls {@code count} until it reaches {@code want}; past {@code bound} the drill fails naming what it waited for. */
    private void await(String what, LongSupplier count, long want, Duration bound) {
        Instant deadline = clock.instant().plus(bound);
        long now;
        while ((now = count.getAsLong()) < want) {
            if (clock.instant().isAfter(deadline)) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "drill: waited " + bound.toSeconds() + " s for " + what + ", got " + now,
                        "see 'cva local status' and 'cva logs processor'");
            }
            try {
                Thread.sleep(500); // poll interval; the wait ends on the count
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
            }
        }
    }

    private static double seconds(Instant a, Instant b) {
        return Duration.between(a, b).toMillis() / 1000.0;
    }
}
