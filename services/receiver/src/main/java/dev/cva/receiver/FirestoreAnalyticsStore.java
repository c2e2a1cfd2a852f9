package dev.cva.receiver;

import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreException;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.WriteBatch;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Stores records in Firestore: {@code analytics/{requestId}} is created (never overwritten) and, in the same
 * atomic {@link WriteBatch}, one random shard {@code stats/{yyyy-mm-dd}/shards/{0..N-1}} counts it (the
 * {@link DailyRollup} fields: total, by match type, score sum, latency bucket). A duplicate fails the whole batch
 * with ALREADY_EXISTS, so it changes no counter. Firestore errors are translated here and nowhere else.
 *
 * <p>A store made by {@link #reconnecting} owns its client and replaces it after a failure (at most once every
 * {@link #RECONNECT_AFTER}): after a long outage gRPC waits up to two minutes between attempts to reconnect and
 * fails every call at once meanwhile, so the receiver kept answering 503 for over a minute after Firestore was back.
 * A new client connects at once.
 */
public final class FirestoreAnalyticsStore implements AnalyticsStore, AutoCloseable {
    public static final String ANALYTICS = "analytics";
    public static final String STATS = "stats";
    public static final String SHARDS = "shards";
    /** The youngest client a failure replaces. */
    static final Duration RECONNECT_AFTER = Duration.ofSeconds(2);

    private final Supplier<Firestore> connector; // null: the caller's client, kept as it is
    private volatile Firestore db;
    private final AtomicLong connectedAt = new AtomicLong(System.nanoTime());
    private final int shards;
    private final Duration timeout;
    private final IntSupplier shardPicker;

    /** A store over the caller's client, which it neither replaces nor closes. */
    public FirestoreAnalyticsStore(Firestore db, int shards, Duration timeout) {
        this(null, db, shards, timeout, () -> ThreadLocalRandom.current().nextInt(shards));
    }

    FirestoreAnalyticsStore(Firestore db, int shards, Duration timeout, IntSupplier shardPicker) {
        this(null, db, shards, timeout, shardPicker);
    }

    private FirestoreAnalyticsStore(
            Supplier<Firestore> connector, Firestore db, int shards, Duration timeout, IntSupplier shardPicker) {
        this.connector = connector;
        this.db = db;
        this.shards = shards;
        this.timeout = timeout;
        this.shardPicker = shardPicker;
    }

    /** A store that owns its client ({@link #connect}), replaces it after failures and closes it. */
    public static FirestoreAnalyticsStore reconnecting(ReceiverConfig config) {
        Supplier<Firestore> connector = () -> connect(config);
        int shards = config.statsShards();
        return new FirestoreAnalyticsStore(
                connector,
                connector.get(),
                shards,
                config.storeTimeout(),
                () -> ThreadLocalRandom.current().nextInt(shards));
    }

    /** After a failure on {@code failed}: a new client, unless this one is the caller's, newer or already replaced. */
    private void reconnect(Firestore failed) {
        long now = System.nanoTime();
        long at = connectedAt.get();
        if (connector == null
                || db != failed
                || now - at < RECONNECT_AFTER.toNanos()
                || !connectedAt.compareAndSet(at, now)) {
            return;
        }
        try {
            db = connector.get();
            failed.shutdown(); // calls still under way on it end as they would have
        } catch (RuntimeException e) {
            // keep the old client; the next failure tries again
        }
    }

    /** Closes the client of a {@link #reconnecting} store; a caller's client is left to the caller. */
    @Override
    public void close() throws Exception {
        if (connector != null) {
            db.close();
        }
    }

    /**
     * A client for {@code config}: the emulator when one is configured (or FIRESTORE_EMULATOR_HOST is set,
     * which the SDK honours by itself), with short RPC deadlines and few retries so an outage answers 503
     * within about {@code storeTimeout} instead of the SDK's default minute.
     */
    public static Firestore connect(ReceiverConfig config) {
        Duration total = config.storeTimeout();
        Duration perRpc = total.dividedBy(2).isZero() ? total : total.dividedBy(2);
        RetrySettings retry = RetrySettings.newBuilder()
                .setTotalTimeoutDuration(total)
                .setInitialRpcTimeoutDuration(perRpc)
                .setMaxRpcTimeoutDuration(perRpc)
                .setRpcTimeoutMultiplier(1.0)
                .setInitialRetryDelayDuration(Duration.ofMillis(50))
                .setRetryDelayMultiplier(2.0)
                .setMaxRetryDelayDuration(Duration.ofMillis(500))
                .setMaxAttempts(3)
                .build();
        FirestoreOptions.Builder options = FirestoreOptions.newBuilder()
                .setProjectId(config.firestoreProject())
                .setDatabaseId(config.firestoreDatabase())
                .setRetrySettings(retry);
        config.emulatorHost().ifPresent(options::setEmulatorHost);
        return options.build().getService();
    }

    @Override
    public Result store(AnalyticsRecord record) {
        return withClient(db -> store(db, record));
    }

    /** Runs {@code call} on the current client; a failure that says the store is unavailable may replace it. */
    private <T> T withClient(java.util.function.Function<Firestore, T> call) {
        Firestore db = this.db;
        try {
            return call.apply(db);
        } catch (StoreUnavailableException e) {
            reconnect(db);
            throw e;
        }
    }

    private Result store(Firestore db, AnalyticsRecord record) {
        DocumentReference doc = db.collection(ANALYTICS).document(record.requestId());
        DocumentReference shard = db.collection(STATS)
                .document(record.day().toString())
                .collection(SHARDS)
                .document(Integer.toString(shardPicker.getAsInt()));
        WriteBatch batch = db.batch();
        batch.create(doc, record.fields());
        Map<String, Object> counters = new LinkedHashMap<>();
        DailyRollup.increments(record)
                .forEach((field, by) -> counters.put(
                        field,
                        by instanceof Double d ? FieldValue.increment(d) : FieldValue.increment(by.longValue())));
        counters.putAll(DailyRollup.labels(record));
        batch.set(shard, counters, SetOptions.merge());
        try {
            batch.commit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Stored(record.requestId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while writing to Firestore", e);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("Firestore did not answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Status.Code code = codeOf(e.getCause());
            if (code == Status.Code.ALREADY_EXISTS) {
                return new Duplicate(record.requestId());
            }
            if (code == Status.Code.INVALID_ARGUMENT) {
                throw new UnstorableException("$.data", "Firestore refused the record: " + firstLine(e.getCause()));
            }
            throw new StoreUnavailableException(
                    "Firestore write failed: " + (code == null ? "" : code + " ") + firstLine(e.getCause()),
                    e.getCause());
        } catch (RuntimeException e) {
            // e.g. the channel could not be created; anything thrown synchronously by the SDK
            Status.Code code = codeOf(e);
            if (code == Status.Code.INVALID_ARGUMENT || e instanceof IllegalArgumentException) {
                throw new UnstorableException("$.data", "Firestore refused the record: " + firstLine(e));
            }
            throw new StoreUnavailableException("Firestore write failed: " + firstLine(e), e);
        }
    }

    /** The health document: outside the analytics and stats collections the dashboard and reports read. */
    static final String HEALTH = "_health";

    @Override
    public void check() {
        withClient(db -> await(db.collection(HEALTH).document("receiver").get(), "read"));
    }

    @Override
    public void warmUp() {
        withClient(db -> await(
                db.collection(HEALTH).document("receiver").set(Map.of("warmedUpAt", FieldValue.serverTimestamp())),
                "write"));
    }

    private Void await(com.google.api.core.ApiFuture<?> call, String what) {
        try {
            call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted during a Firestore " + what, e);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException(
                    "Firestore did not answer a " + what + " within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            Status.Code code = codeOf(cause);
            throw new StoreUnavailableException(
                    "Firestore " + what + " failed: " + (code == null ? "" : code + " ") + firstLine(cause), cause);
        }
    }

    /** The gRPC status code somewhere in {@code t}'s cause chain; UNAVAILABLE for a refused connection. */
    static Status.Code codeOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ApiException api) {
                return Status.Code.valueOf(api.getStatusCode().getCode().name());
            }
            if (c instanceof FirestoreException fe && fe.getStatus() != null) {
                return fe.getStatus().getCode();
            }
            if (c instanceof StatusRuntimeException sre) {
                return sre.getStatus().getCode();
            }
            if (c instanceof ConnectException) {
                return Status.Code.UNAVAILABLE;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private static String firstLine(Throwable t) {
        String m = t == null ? null : t.getMessage();
        if (m == null) {
            return t == null ? "" : t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    public int shards() {
        return shards;
    }
}
