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
import java.util.ArrayList;
import java.util.List;
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
        assertThat(correlator.accept(event(Bodies.query(r, 1000))))
                .isEqualTo(new Correlator.Duplicate("query already parked"));
        assertThat(store.calls).containsExactly("park");

        correlator.accept(event(Bodies.response(r, 1500)));
        AnalyticsRecord first = store.records.get(r);
        store.calls.clear();
        // after completion nothing is parked, so a lone redelivered half parks again (it expires with its TTL) ...
        assertThat(correlator.accept(event(Bodies.query(r, 1000)))).isInstanceOf(Correlator.Parked.class);
        // ... and its partner's redelivery finds it, loses the conditional write and tidies the row
        assertThat(correlator.accept(event(Bodies.response(r, 1500))))
                .isEqualTo(new Correlator.Duplicate("record already exists"));
        assertThat(correlator.acceptPair(event(Bodies.query(r, 1000)), event(Bodies.response(r, 1500))))
                .isEqualTo(new Correlator.Duplicate("record already exists"));
        assertThat(store.records).hasSize(1).containsEntry(r, first);
        assertThat(store.interim).isEmpty();
    }

    Correlator at(Instant when, List<String> expiries) {
        return new Correlator(
                store,
                PARSER,
                Clock.fixed(when, ZoneOffset.UTC),
                Duration.ofDays(15),
                (event, late, outcome) -> expiries.add(event.type().wire() + " " + late + " " + outcome));
    }

    @Test
    void aLateResponseCompletesTheRecordWithAQueryPastItsTtl() {
        List<String> expiries = new ArrayList<>();
        at(NOW.minus(Duration.ofDays(16)), expiries).accept(event(Bodies.query(r, 1000))); // TTL passed a day ago
        assertThat(at(NOW, expiries).accept(event(Bodies.response(r, 1500)))).isInstanceOf(Correlator.Completed.class);
        assertThat(store.records.get(r).latencyMs()).isEqualTo(500);
        assertThat(store.interim).isEmpty();
        assertThat(expiries).containsExactly("response 86400 completed");
    }

    @Test
    void aLateQueryCompletesTheRecordWithAResponsePastItsTtl() {
        List<String> expiries = new ArrayList<>();
        at(NOW.minus(Duration.ofDays(20)), expiries).accept(event(Bodies.response(r, 1500)));
        assertThat(at(NOW, expiries).accept(event(Bodies.query(r, 1000)))).isInstanceOf(Correlator.Completed.class);
        assertThat(store.records.get(r).latencyMs()).isEqualTo(500);
        assertThat(store.interim).isEmpty();
        assertThat(expiries).containsExactly("query " + Duration.ofDays(5).toSeconds() + " completed");
    }

    @Test
    void aHalfWhosePartnersRowWasSweptParksAgain() {
        List<String> expiries = new ArrayList<>();
        at(NOW.minus(Duration.ofDays(16)), expiries).accept(event(Bodies.query(r, 1000)));
        store.expireNow(NOW.getEpochSecond());
        assertThat(at(NOW, expiries).accept(event(Bodies.response(r, 1500)))).isInstanceOf(Correlator.Parked.class);
        assertThat(store.interim.get(r).responseJson()).isNotNull();
        assertThat(store.interim.get(r).ttl())
                .isEqualTo(NOW.plus(Duration.ofDays(15)).getEpochSecond());
        assertThat(store.records).isEmpty();
        assertThat(expiries).as("a swept row leaves nothing to count").isEmpty();
    }

    @Test
    void theSameHalfPastItsTtlKeepsItsFirstCopyAndWaitsAnotherTtl() {
        List<String> expiries = new ArrayList<>();
        at(NOW.minus(Duration.ofDays(16)), expiries).accept(event(Bodies.query(r, 1000)));
        String first = store.interim.get(r).queryJson();
        assertThat(at(NOW, expiries).accept(event(Bodies.query(r, 1000).put("query", "a later copy"))))
                .isEqualTo(new Correlator.Parked(EventType.QUERY));
        assertThat(store.interim.get(r).queryJson()).isEqualTo(first);
        assertThat(store.interim.get(r).ttl())
                .isEqualTo(NOW.plus(Duration.ofDays(15)).getEpochSecond());
        assertThat(expiries).containsExactly("query 86400 reparked");
        // and its partner, later still, completes the record with it
        assertThat(at(NOW.plus(Duration.ofDays(3)), expiries).accept(event(Bodies.response(r, 1500))))
                .isInstanceOf(Correlator.Completed.class);
        assertThat(store.records.get(r).query()).isNotEqualTo("a later copy");
    }
}
