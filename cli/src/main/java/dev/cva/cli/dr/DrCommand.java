package dev.cva.cli.dr;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.env.Environments;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva dr drill}: the disaster-recovery drill. Thin: {@link DrillService}. */
@Command(
        name = "dr",
        description = "Disaster recovery: rehearse losing both stores' data and getting it back.",
        subcommands = {DrCommand.Drill.class})
public final class DrCommand implements Callable<Integer> {
    private final CvaContext ctx;

    DrCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        throw CvaException.usage("missing subcommand", "try 'cva dr drill'");
    }

    /** {@code cva dr drill}. */
    @Command(
            name = "drill",
            sortOptions = false,
            description = {
                "On the running local stack: load records through the pipeline, back up (cva backup), delete "
                        + "every item and document of both stores, restore in place (cva restore --in-place) and reconcile, "
                        + "then print each store's counts before and after, records lost, and how long each step took "
                        + "(recovery = restore + reconcile).",
                "Only on local: it destroys the data it restores.",
                "Exit 0 when no record was lost, 1 when one was (or a step failed), 2 on another environment."
            })
    static final class Drill implements Callable<Integer> {
        @Option(
                names = "--records",
                defaultValue = "100",
                paramLabel = "N",
                description = "Conversations to load first (default: ${DEFAULT-VALUE}).")
        int records;

        @Option(
                names = "--seed",
                defaultValue = "42",
                paramLabel = "SEED",
                description = "Seed of the simulated traffic.")
        long seed;

        private final CvaContext ctx;

        Drill(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (!Environments.isLocal(ctx.environmentName())) {
                throw CvaException.usage(
                        "cva dr drill destroys the data it restores and runs on local only, not on "
                                + ctx.environmentName(),
                        "run it with --env local; rehearse a cloud restore with 'cva restore ID' into new names");
            }
            if (records < 1) {
                throw CvaException.usage("--records must be at least 1", null);
            }
            DrillService.Report r = new DrillService(ctx).run(records, seed, Duration.ofSeconds(120 + records / 5));
            if (ctx.globals().json()) {
                ctx.printJson(r);
            } else {
                var out = ctx.out();
                out.printf(
                        Locale.ROOT, "%-10s %10s %10s %10s %10s%n", "STORE", "LOADED", "DESTROYED", "RESTORED", "LOST");
                out.printf(
                        Locale.ROOT,
                        "%-10s %10d %10d %10d %10d%n",
                        "dynamodb",
                        r.loaded().dynamodb(),
                        r.destroyed().dynamodb(),
                        r.restored().dynamodb(),
                        r.lost().dynamodb());
                out.printf(
                        Locale.ROOT,
                        "%-10s %10d %10d %10d %10d%n",
                        "firestore",
                        r.loaded().firestore(),
                        r.destroyed().firestore(),
                        r.restored().firestore(),
                        r.lost().firestore());
                var s = r.seconds();
                out.printf(
                        Locale.ROOT,
                        "backup %s: load %.1f s, backup %.1f s, destroy %.1f s, restore %.1f s, reconcile %.1f s "
                                + "(%d re-sent); recovery %.1f s%n",
                        r.backup(),
                        s.load(),
                        s.backup(),
                        s.destroy(),
                        s.restore(),
                        s.reconcile(),
                        r.resent(),
                        s.recovery());
                out.println(r.ok() ? ctx.paint("32", "ok") + ": no record lost" : ctx.paint("31", "records lost"));
                out.flush();
            }
            return r.ok() ? ExitCode.OK.code() : ExitCode.FAILURE.code();
        }
    }
}
