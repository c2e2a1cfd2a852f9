package dev.cva.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.cva.contracts.webhook.WebhookSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Firestore adapter alone, against the emulator: idempotent create, sharded daily counters, outages. */
@ExtendWith(EmulatorExtension.class)
class FirestoreAnalyticsStoreTest {

    private static AnalyticsRecord record(String id, String matchType, long timestamp) throws Exception {
        return record(id, matchType, timestamp, 92, Instant.now());
    }

    private static AnalyticsRecord record(String id, String matchType, long timestamp, double score, Instant receivedAt)
            throws Exception {
        String json = new String(Webhooks.body(id))
                .replace("\"matchType\":\"full\"", "\"matchType\":\"" + matchType + "\"")
                .replace("\"timestamp\":1763980800000", "\"timestamp\":" + timestamp)
                .replace("\"matchScore\":92", "\"matchScore\":" + score);
        JsonNode data = Webhooks.JSON.readTree(json).get("data");
        return AnalyticsRecord.from(data, receivedAt);
    }

    @Test
    void theDailyRollupsSumScoresAndCountLatenciesInFixedBuckets(FirestoreEmulator emulator) throws Exception {
        FirestoreAnalyticsStore store =
                new FirestoreAnalyticsStore(emulator.client(), 3, FirestoreEmulator.STORE_TIMEOUT);
        long t = Instant.parse("2026-03-05T12:00:00Z").toEpochMilli();
        // latency (receivedAt - timestamp) -> bucket: 0 -> le_25, 25 -> le_25, 26 -> le_50, 999 -> le_1000,
        // 60000 -> le_60000, 60001 -> gt_60000, -5 (sender clock ahead) -> le_25
        long[] latencies = {0, 25, 26, 999, 60_000, 60_001, -5};
        double[] scores = {92, 47.5, 0, 100, 12.25, 60, 1};
        for (int i = 0; i < latencies.length; i++) {
            store.store(record(Webhooks.newId(), "full", t, scores[i], Instant.ofEpochMilli(t + latencies[i])));
        }
        Map<String, Long> c = emulator.counters("2026-03-05");
        assertThat(c)
                .containsEntry("total", 7L)
                .containsEntry("latency_le_25", 3L)
                .containsEntry("latency_le_50", 1L)
                .containsEntry("latency_le_1000", 1L)
                .containsEntry("latency_le_60000", 1L)
                .containsEntry("latency_gt_60000", 1L);
        assertThat(c.keySet().stream().filter(k -> k.startsWith("latency_"))).hasSize(5);
        assertThat(emulator.scoreSum("2026-03-05")).isEqualTo(312.75);
    }

    @Test
    void theShardsAlsoCountPerMinuteHourlyLatencyScoresAndTopQueriesInTheSameDocuments(FirestoreEmulator emulator)
            throws Exception {
        FirestoreAnalyticsStore store =
                new FirestoreAnalyticsStore(emulator.client(), 3, FirestoreEmulator.STORE_TIMEOUT);
        long t0 = Instant.parse("2026-03-07T10:15:30Z").toEpochMilli();
        long t1 = Instant.parse("2026-03-07T10:16:05Z").toEpochMilli();
        store.store(record(Webhooks.newId(), "full", t0, 92, Instant.ofEpochMilli(t0 + 30)));
        store.store(record(Webhooks.newId(), "full", t0 + 1000, 15, Instant.ofEpochMilli(t0 + 1000 + 3_000)));
        store.store(record(Webhooks.newId(), "none", t1, 100, Instant.ofEpochMilli(t1 + 30)));

        Map<String, Long> c = emulator.counters("2026-03-07");
        assertThat(c)
                .containsEntry("minute_1015", 2L)
                .containsEntry("minute_1016", 1L)
                .containsEntry("hour_10_latency_le_50", 2L)
                .containsEntry("hour_10_latency_le_5000", 1L)
                .containsEntry("score_le_100", 2L)
                .containsEntry("score_le_20", 1L);
        // the example's one query, counted three times in its slot, with its text beside the count
        String query = DailyRollup.normalizeQuery(Webhooks.JSON
                .readTree(Webhooks.body(Webhooks.newId()))
                .at("/data/query")
                .asText());
        int slot = DailyRollup.querySlot(query);
        assertThat(c).containsEntry("topq_" + slot + "_n", 3L);
        assertThat(emulator.texts("2026-03-07")).containsEntry("topq_" + slot + "_q", query);
        // all of it in the shards the dashboard already listens to: nothing else was written
        assertThat(emulator.client()
                        .collection("stats")
                        .document("2026-03-07")
                        .collection("shards")
                        .get()
                        .get(10, TimeUnit.SECONDS)
                        .size())
                .isBetween(1, 3);
    }

    @Test
    void countersAreShardedPerUtcDayAndSumToTheRecords(FirestoreEmulator emulator) throws Exception {
        FirestoreAnalyticsStore store =
                new FirestoreAnalyticsStore(emulator.client(), 4, FirestoreEmulator.STORE_TIMEOUT);
        long lastMsOfDay = Instant.parse("2026-03-01T23:59:59.999Z").toEpochMilli();
        long firstMsOfNext = lastMsOfDay + 1;
        String[] types = {"full", "partial", "none"};
        for (int i = 0; i < 30; i++) {
            AnalyticsStore.Result r =
                    store.store(record(Webhooks.newId(), types[i % 3], i < 20 ? lastMsOfDay : firstMsOfNext));
            assertThat(r).isInstanceOf(AnalyticsStore.Stored.class);
        }

        assertThat(emulator.counters("2026-03-01"))
                .containsEntry("total", 20L)
                .containsEntry("matchType_full", 7L)
                .containsEntry("matchType_partial", 7L)
                .containsEntry("matchType_none", 6L);
        assertThat(emulator.counters("2026-03-02")).containsEntry("total", 10L);
        Set<String> shardIds = new HashSet<>();
        for (QueryDocumentSnapshot s : emulator.client()
                .collection("stats")
                .document("2026-03-01")
                .collection("shards")
                .get()
                .get(10, TimeUnit.SECONDS)) {
            shardIds.add(s.getId());
        }
        assertThat(shardIds).hasSizeGreaterThan(1).isSubsetOf("0", "1", "2", "3");
    }

    @Test
    void concurrentDeliveriesOfOneRecordStoreItOnceAndCountItOnce(FirestoreEmulator emulator) throws Exception {
        FirestoreAnalyticsStore store =
                new FirestoreAnalyticsStore(emulator.client(), 10, FirestoreEmulator.STORE_TIMEOUT);
        AnalyticsRecord record = record(Webhooks.newId(), "partial", 1763980800000L);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<AnalyticsStore.Result>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add(() -> store.store(record));
            }
            List<AnalyticsStore.Result> results = new ArrayList<>();
            for (Future<AnalyticsStore.Result> f : pool.invokeAll(tasks)) {
                results.add(f.get());
            }
            assertThat(results)
                    .filteredOn(r -> r instanceof AnalyticsStore.Stored)
                    .hasSize(1);
            assertThat(results)
                    .filteredOn(r -> r instanceof AnalyticsStore.Duplicate)
                    .hasSize(7);
        } finally {
            pool.shutdownNow();
        }
        // counted once: every rollup field of the batch, not only the total
        Map<String, Long> once = new java.util.HashMap<>();
        DailyRollup.increments(record).forEach((k, v) -> {
            if (v instanceof Long n) {
                once.put(k, n);
            }
        });
        assertThat(once)
                .containsEntry("total", 1L)
                .containsEntry("matchType_partial", 1L)
                .containsEntry("latency_gt_60000", 1L)
                .containsKey("minute_1040")
                .hasSize(7);
        assertThat(emulator.counters("2025-11-24")).isEqualTo(once);
        assertThat(emulator.scoreSum("2025-11-24")).isEqualTo(92.0);
    }

    @Test
    void anUnreachableStoreIsUnavailableWithinTheTimeout() throws Exception {
        ReceiverConfig config = ReceiverConfig.fromEnv(Map.of(
                        ReceiverConfig.WEBHOOK_SECRET,
                        WebhookSecret.random().reveal(),
                        ReceiverConfig.FIRESTORE_PROJECT,
                        FirestoreEmulator.PROJECT,
                        ReceiverConfig.FIRESTORE_EMULATOR_HOST,
                        "127.0.0.1:" + FirestoreEmulator.freePort()))
                .withStoreTimeout(Duration.ofSeconds(1));
        try (Firestore down = FirestoreAnalyticsStore.connect(config)) {
            FirestoreAnalyticsStore store = new FirestoreAnalyticsStore(down, 10, config.storeTimeout());
            AnalyticsRecord record = record(Webhooks.newId(), "full", 1763980800000L);
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.store(record))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("Firestore");
            // Not a timing test: the bound only tells "our 1 s timeout applied" from "the client's own retry budget
            // (a minute or more) applied", with 20 times the timeout as room for a busy machine.
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println(
                    "an unreachable store failed after " + millis + " ms (timeout " + config.storeTimeout() + ")");
            assertThat(Duration.ofMillis(millis))
                    .as("failed on the store timeout, not the client's own retries")
                    .isLessThan(config.storeTimeout().multipliedBy(20));
        }
    }

    @Test
    void aReconnectingStoreWritesAgainWithinSecondsOfFirestoreComingBackAfterALongOutage() throws Exception {
        java.nio.file.Path work = java.nio.file.Files.createTempDirectory("cva-firestore-outage");
        java.nio.file.Path jar = new dev.cva.local.FirestoreEmulator(System.getenv(), work).locate();
        int port = FirestoreEmulator.freePort();
        dev.cva.local.Child first = dev.cva.local.FirestoreEmulator.start(jar, work, port, FirestoreEmulator.PROJECT);
        dev.cva.local.Child second = null;
        ReceiverConfig config = ReceiverConfig.fromEnv(Map.of(
                        ReceiverConfig.WEBHOOK_SECRET,
                        WebhookSecret.random().reveal(),
                        ReceiverConfig.FIRESTORE_PROJECT,
                        FirestoreEmulator.PROJECT,
                        ReceiverConfig.FIRESTORE_EMULATOR_HOST,
                        "127.0.0.1:" + port))
                .withStoreTimeout(Duration.ofSeconds(1));
        long t = Instant.parse("2026-03-05T12:00:00Z").toEpochMilli();
        try (FirestoreAnalyticsStore store = FirestoreAnalyticsStore.reconnecting(config)) {
            assertThat(untilStored(store, t, MAX_TRIES))
                    .as("a cold client's first write")
                    .isNotNegative();
            first.stop();
            // a minute of failed writes, as under traffic: meanwhile gRPC's reconnect backoff grows to tens of seconds
            int failures = 0;
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < until) {
                try {
                    store.store(record(Webhooks.newId(), "full", t));
                } catch (StoreUnavailableException expected) {
                    failures++;
                }
                Thread.sleep(200);
            }
            assertThat(failures).as("writes while Firestore was down failed").isPositive();
            second = dev.cva.local.FirestoreEmulator.start(jar, work, port, FirestoreEmulator.PROJECT);
            long back = System.nanoTime();
            int failed = untilStored(store, t, MAX_TRIES);
            System.out.printf(
                    "first write after Firestore came back: after %d failed tries, %d ms%n",
                    failed, (System.nanoTime() - back) / 1_000_000);
            // Counted in tries, not seconds, so a slow machine cannot fail it: tries are at least 200 ms apart and a
            // failure replaces a client older than RECONNECT_AFTER, so one client fails at most RECONNECT_AFTER / 200
            // ms
            // + 1 tries; three clients' worth is the bound. The stuck client of before kept failing every try for over
            // a minute (hundreds of tries).
            long perClient = RECONNECT_AFTER_TRIES + 1;
            assertThat(failed)
                    .as("a write succeeds again once Firestore is back")
                    .isNotNegative()
                    .as("failed tries after Firestore came back")
                    .isLessThanOrEqualTo((int) (3 * perClient));
        } finally {
            first.stop();
            if (second != null) {
                second.stop();
            }
        }
    }

    /** At most this many tries (200 ms apart, so a minute or more) before a write is given up as never succeeding. */
    private static final int MAX_TRIES = 300;

    private static final long RECONNECT_AFTER_TRIES = FirestoreAnalyticsStore.RECONNECT_AFTER.toMillis() / 200;

    /** Tries a write every 200 ms until one succeeds: how many failed first, or -1 if none of {@code maxTries} did. */
    private static int untilStored(AnalyticsStore store, long timestamp, int maxTries) throws Exception {
        for (int failed = 0; failed < maxTries; failed++) {
            try {
                store.store(record(Webhooks.newId(), "full", timestamp));
                return failed;
            } catch (StoreUnavailableException notYet) {
                Thread.sleep(200);
            }
        }
        return -1;
    }

    @Test
    void withFirestoreDatabaseSetTheRecordsGoToThatDatabaseAndNotToTheDefaultOne(FirestoreEmulator emulator)
            throws Exception {
        String database = "restored-" + Long.toString(System.nanoTime(), 36);
        Map<String, String> env = new java.util.HashMap<>(emulator.env(WebhookSecret.random()));
        env.put(ReceiverConfig.FIRESTORE_DATABASE, database);
        ReceiverConfig config = ReceiverConfig.fromEnv(env).withStoreTimeout(FirestoreEmulator.STORE_TIMEOUT);
        String id = Webhooks.newId();
        try (Firestore named = FirestoreAnalyticsStore.connect(config)) {
            FirestoreAnalyticsStore store = new FirestoreAnalyticsStore(named, 3, config.storeTimeout());
            assertThat(store.store(record(
                            id, "full", Instant.parse("2026-03-09T12:00:00Z").toEpochMilli())))
                    .isInstanceOf(AnalyticsStore.Stored.class);
            assertThat(named.collection(FirestoreAnalyticsStore.ANALYTICS)
                            .document(id)
                            .get()
                            .get(10, TimeUnit.SECONDS)
                            .exists())
                    .as("in " + database)
                    .isTrue();
        }
        assertThat(emulator.analytics(id)).as("not in (default)").isEmpty();
    }
}
