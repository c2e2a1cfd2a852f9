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
        String json = new String(Webhooks.body(id)).replace("\"matchType\":\"full\"", "\"matchType\":\"" + matchType + "\"")
                .replace("\"timestamp\":1763980800000", "\"timestamp\":" + timestamp);
        JsonNode data = Webhooks.JSON.readTree(json).get("data");
        return AnalyticsRecord.from(data, Instant.now());
    }

    @Test
    void countersAreShardedPerUtcDayAndSumToTheRecords(FirestoreEmulator emulator) throws Exception {
        FirestoreAnalyticsStore store = new FirestoreAnalyticsStore(emulator.client(), 4, Duration.ofSeconds(5));
        long lastMsOfDay = Instant.parse("2026-03-01T23:59:59.999Z").toEpochMilli();
        long firstMsOfNext = lastMsOfDay + 1;
        String[] types = {"full", "partial", "none"};
        for (int i = 0; i < 30; i++) {
            AnalyticsStore.Result r = store.store(record(Webhooks.newId(), types[i % 3], i < 20 ? lastMsOfDay : firstMsOfNext));
            assertThat(r).isInstanceOf(AnalyticsStore.Stored.class);
        }

        assertThat(emulator.counters("2026-03-01")).containsEntry("total", 20L).containsEntry("matchType_full", 7L)
                .containsEntry("matchType_partial", 7L).containsEntry("matchType_none", 6L);
        assertThat(emulator.counters("2026-03-02")).containsEntry("total", 10L);
        Set<String> shardIds = new HashSet<>();
        for (QueryDocumentSnapshot s : emulator.client().collection("stats").document("2026-03-01").collection("shards")
                .get().get(10, TimeUnit.SECONDS)) {
            shardIds.add(s.getId());
        }
        assertThat(shardIds).hasSizeGreaterThan(1).isSubsetOf("0", "1", "2", "3");
    }

    @Test
    void concurrentDeliveriesOfOneRecordStoreItOnceAndCountItOnce(FirestoreEmulator emulator) throws Exception {
        FirestoreAnalyticsStore store = new FirestoreAnalyticsStore(emulator.client(), 10, Duration.ofSeconds(10));
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
            assertThat(results).filteredOn(r -> r instanceof AnalyticsStore.Stored).hasSize(1);
            assertThat(results).filteredOn(r -> r instanceof AnalyticsStore.Duplicate).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
        assertThat(emulator.counters("2025-11-24")).isEqualTo(Map.of("total", 1L, "matchType_partial", 1L));
    }

    @Test
    void anUnreachableStoreIsUnavailableWithinTheTimeout() throws Exception {
        ReceiverConfig config = ReceiverConfig.fromEnv(Map.of(
                ReceiverConfig.WEBHOOK_SECRET, WebhookSecret.random().reveal(),
                ReceiverConfig.FIRESTORE_PROJECT, FirestoreEmulator.PROJECT,
                ReceiverConfig.FIRESTORE_EMULATOR_HOST, "127.0.0.1:" + FirestoreEmulator.freePort()))
                .withStoreTimeout(Duration.ofSeconds(1));
        try (Firestore down = FirestoreAnalyticsStore.connect(config)) {
            FirestoreAnalyticsStore store = new FirestoreAnalyticsStore(down, 10, config.storeTimeout());
            AnalyticsRecord record = record(Webhooks.newId(), "full", 1763980800000L);
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.store(record)).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("Firestore");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        }
    }
}
