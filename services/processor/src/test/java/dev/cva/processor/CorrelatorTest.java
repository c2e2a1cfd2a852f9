package dev.cva.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.contracts.ContractValidator;
import dev.cva.processor.support.Bodies;
import dev.cva.processor.support.InMemoryCorrelationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The correlation rules and their request cost, on the in-memory store. */
class CorrelatorTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final EventParser PARSER = new EventParser(MAPPER, new ContractValidator(MAPPER));
    static final Instant NOW = Instant.parse("2026-11-18T10:00:00Z");

    final InMemoryCorrelationStore store = new InMemoryCorrelationStore();
    final Correlator correlator = new Correlator(store, PARSER, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(24));
    final String r = UUID.randomUUID().toString();

    static ChatEvent event(com.fasterxml.jackson.databind.node.ObjectNode body) {
        return ((EventParser.Valid) PARSER.parse(body.toString())).event();
    }

    @Test
    void bothHalvesInOneBatchCostOneWriteAndParkNothing() {
        assertThat(correlator.acceptPair(event(Bodies.query(r, 1000)), event(Bodies.response(r, 1500))))
                .isInstanceOf(Correlator.Completed.class);
        assertThat(store.calls).containsExactly("put");
        assertThat(store.records.get(r).latencyMs()).isEqualTo(500);
        assertThat(store.interim).isEmpty();
    }

    @Test
    void anInOrderPairAcrossBatchesCostsFourRequests() {
        assertThat(correlator.accept(event(Bodies.query(r, 1000)))).isInstanceOf(Correlator.Parked.class);
        assertThat(correlator.accept(event(Bodies.response(r, 1500)))).isInstanceOf(Correlator.Completed.class);
        assertThat(store.calls).containsExactly("park", "find", "put", "delete");
        assertThat(store.records.get(r).latencyMs()).isEqualTo(500);
        assertThat(store.interim).isEmpty();
    }

    @Test
    void aResponseFirstPairCostsFiveRequestsAndTheBlockedParkNeedsNoRead() {
        assertThat(correlator.accept(event(Bodies.response(r, 1500)))).isInstanceOf(Correlator.Parked.class);
        assertThat(correlator.accept(event(Bodies.query(r, 1000)))).isInstanceOf(Correlator.Completed.class);
        assertThat(store.calls).containsExactly("find", "park", "park", "put", "delete");
        assertThat(store.records.get(r).latencyMs()).isEqualTo(500);
        assertThat(store.interim).isEmpty();
    }

    @Test
    void duplicatesWriteNothingNew() {
        correlator.accept(event(Bodies.query(r, 1000)));
        store.calls.clear();
        assertThat(correlator.accept(event(Bodies.query(r, 1000)))).isEqualTo(new Correlator.Duplicate("query already parked"));
        assertThat(store.calls).containsExactly("park");

        correlator.accept(event(Bodies.response(r, 1500)));
        AnalyticsRecord first = store.records.get(r);
        store.calls.clear();
        // after completion nothing is parked, so a lone redelivered half parks again (it expires with its TTL) ...
        assertThat(correlator.accept(event(Bodies.query(r, 1000)))).isInstanceOf(Correlator.Parked.class);
        // ... and its partner's redelivery finds it, loses the conditional write and tidies the row
        assertThat(correlator.accept(event(Bodies.response(r, 1500)))).isEqualTo(new Correlator.Duplicate("record already exists"));
        assertThat(correlator.acceptPair(event(Bodies.query(r, 1000)), event(Bodies.response(r, 1500))))
                .isEqualTo(new Correlator.Duplicate("record already exists"));
        assertThat(store.records).hasSize(1).containsEntry(r, first);
        assertThat(store.interim).isEmpty();
    }

    @Test
    void aParkedHalfPastItsTtlIsIgnoredAndReplaced() {
        Correlator early = new Correlator(store, PARSER, Clock.fixed(NOW.minus(Duration.ofHours(25)), ZoneOffset.UTC),
                Duration.ofHours(24));
        early.accept(event(Bodies.query(r, 1000)));     // parked 25 h ago: its TTL has passed
        assertThat(correlator.accept(event(Bodies.response(r, 1500)))).isInstanceOf(Correlator.Parked.class);
        assertThat(store.records).isEmpty();
        assertThat(store.interim.get(r).halves().responseJson()).isNotNull();
        assertThat(store.interim.get(r).halves().queryJson()).isNull();
    }
}
