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

    final InMemoryCorrelationStore store = new InMemoryCorrelationStore();
    final Correlator correlator = new Correlator(store, PARSER,
            Clock.fixed(Instant.parse("2026-11-18T10:00:00Z"), ZoneOffset.UTC), Duration.ofHours(24));
    final String r = UUID.randomUUID().toString();

    static ChatEvent event(com.fasterxml.jackson.databind.node.ObjectNode body) {
        return ((EventParser.Valid) PARSER.parse(body.toString())).event();
    }

    @Test
    void anInOrderPairCostsThreeRequests() {
        assertThat(correlator.accept(event(Bodies.query(r, 1000)))).isInstanceOf(Correlator.Parked.class);
        assertThat(correlator.accept(event(Bodies.response(r, 1500)))).isInstanceOf(Correlator.Completed.class);
        assertThat(store.calls).containsExactly("park", "find", "complete");
        assertThat(store.records.get(r).latencyMs()).isEqualTo(500);
        assertThat(store.interim).isEmpty();
    }

    @Test
    void aResponseFirstPairCostsFourRequestsAndTheBlockedParkNeedsNoRead() {
        assertThat(correlator.accept(event(Bodies.response(r, 1500)))).isInstanceOf(Correlator.Parked.class);
        assertThat(correlator.accept(event(Bodies.query(r, 1000)))).isInstanceOf(Correlator.Completed.class);
        assertThat(store.calls).containsExactly("find", "park", "park", "complete");
        assertThat(store.records.get(r).latencyMs()).isEqualTo(500);
    }

    @Test
    void duplicatesCostOneOrTwoRequestsAndWriteNothing() {
        correlator.accept(event(Bodies.query(r, 1000)));
        store.calls.clear();
        assertThat(correlator.accept(event(Bodies.query(r, 1000)))).isEqualTo(new Correlator.Duplicate("query already parked"));
        assertThat(store.calls).containsExactly("park");

        correlator.accept(event(Bodies.response(r, 1500)));
        store.calls.clear();
        assertThat(correlator.accept(event(Bodies.query(r, 1000)))).isEqualTo(new Correlator.Duplicate("record already exists"));
        assertThat(correlator.accept(event(Bodies.response(r, 1500)))).isEqualTo(new Correlator.Duplicate("record already exists"));
        assertThat(store.calls).containsExactly("park", "find", "park");
        assertThat(store.records).hasSize(1);
    }
}
