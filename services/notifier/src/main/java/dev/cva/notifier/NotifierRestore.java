package dev.cva.notifier;

import dev.cva.contracts.logging.JsonLog;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * The notifier's SnapStart hooks (the CRaC API; Lambda calls them, a JVM without CRaC never does). Lambda runs the
 * handler's init once per published version, snapshots it, and resumes every new execution environment from that
 * snapshot, possibly weeks later. Two things in the snapshot must not be used as they are after a restore:
 *
 * <ul>
 *   <li>the webhook secret read at init: a {@code cva secrets rotate} since the snapshot switched it, so the signer
 *       re-reads it before the first send ({@link RefreshingSigner#expire}) rather than when its refresh interval
 *       happens to have passed;
 *   <li>the retry jitter's random state: identical in every environment restored from the snapshot, so instances
 *       that fail together would retry together; it is seeded anew ({@link HttpWebhookClient#reseed}).
 * </ul>
 *
 * <p>The clients need nothing: no connection is open at the snapshot (the init sends nothing), and the AWS SDK's and
 * the JDK's HTTP clients open new connections as they need them. Nothing needs doing before the checkpoint.
 */
public final class NotifierRestore implements Resource {
    private final RefreshingSigner signer;
    private final LongConsumer reseed;
    private final LongSupplier seeds;
    private final JsonLog log;

    /** {@code signer}: null when the secret is fixed (WEBHOOK_SECRET); {@code seeds}: where new seeds come from. */
    public NotifierRestore(RefreshingSigner signer, LongConsumer reseed, LongSupplier seeds, JsonLog log) {
        this.signer = signer;
        this.reseed = reseed;
        this.seeds = seeds;
        this.log = log;
    }

    /** Registers with the global CRaC context; the caller keeps this object (the context may hold it weakly). */
    public NotifierRestore register() {
        Core.getGlobalContext().register(this);
        return this;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // nothing to close: the snapshot is taken after init, before any invocation
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        if (signer != null) {
            signer.expire();
        }
        reseed.accept(seeds.getAsLong());
        log.info(
                "restored from a SnapStart snapshot: webhook secret to be re-read, retry jitter reseeded",
                "event",
                "snapstart_restore");
    }
}
