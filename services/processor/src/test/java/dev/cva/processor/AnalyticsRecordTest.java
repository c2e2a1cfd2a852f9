package dev.cva.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.contracts.Contract;
import dev.cva.contracts.ContractValidator;
import dev.cva.contracts.Examples;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AnalyticsRecordTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ContractValidator VALIDATOR = new ContractValidator(MAPPER);
    private static final EventParser PARSER = new EventParser(MAPPER, VALIDATOR);

    private static ChatEvent parse(Contract c, String name) {
        var parsed = PARSER.parse(
                new String(Examples.get(c, Examples.Kind.VALID, name).bytes()));
        assertThat(parsed).isInstanceOf(EventParser.Valid.class);
        return ((EventParser.Valid) parsed).event();
    }

    @Test
    void fullPairBecomesTheContractsFullRecord() throws Exception {
        AnalyticsRecord r =
                AnalyticsRecord.of(parse(Contract.QUERY_EVENT, "full"), parse(Contract.RESPONSE_EVENT, "full"));
        var json = r.toJson(MAPPER);
        assertThat(VALIDATOR.validate(Contract.ANALYTICS_RECORD, json)).isEmpty();
        // the contract's own example of this pair is exactly what we produce
        var expected = MAPPER.readTree(Examples.get(Contract.ANALYTICS_RECORD, Examples.Kind.VALID, "full")
                .bytes());
        assertThat(MAPPER.readTree(json.toString())).isEqualTo(expected);
    }

    @Test
    void minimalPairIsAnonymousWithoutOptionalParts() {
        AnalyticsRecord r =
                AnalyticsRecord.of(parse(Contract.QUERY_EVENT, "minimal"), parse(Contract.RESPONSE_EVENT, "minimal"));
        var json = r.toJson(MAPPER);
        assertThat(VALIDATOR.validate(Contract.ANALYTICS_RECORD, json)).isEmpty();
        assertThat(r.sessionId()).isEqualTo("anonymous");
        assertThat(json.has("performance")).isFalse();
        assertThat(json.has("vectorMatches")).isFalse();
        assertThat(r.latencyMs()).isEqualTo(900);
    }

    @Test
    void isoWeekIsTheWeekOfTheQueryInUtc() {
        assertThat(AnalyticsRecord.isoWeek(Instant.parse("2026-11-16T00:00:00Z").toEpochMilli()))
                .isEqualTo("2026-W47");
        assertThat(AnalyticsRecord.isoWeek(
                        Instant.parse("2026-11-22T23:59:59.999Z").toEpochMilli()))
                .isEqualTo("2026-W47");
        assertThat(AnalyticsRecord.isoWeek(Instant.parse("2026-11-23T00:00:00Z").toEpochMilli()))
                .isEqualTo("2026-W48");
        // week-based year differs from the calendar year around New Year
        assertThat(AnalyticsRecord.isoWeek(Instant.parse("2027-01-01T12:00:00Z").toEpochMilli()))
                .isEqualTo("2026-W53");
        assertThat(AnalyticsRecord.isoWeek(Instant.parse("2024-12-30T12:00:00Z").toEpochMilli()))
                .isEqualTo("2025-W01");
    }

    @Test
    void everyInvalidExampleIsRejectedWithPaths() {
        for (Contract c : new Contract[] {Contract.QUERY_EVENT, Contract.RESPONSE_EVENT}) {
            for (var ex : Examples.all(c, Examples.Kind.INVALID)) {
                var parsed = PARSER.parse(new String(ex.bytes()));
                assertThat(parsed).as(ex.name()).isInstanceOf(EventParser.Invalid.class);
                assertThat(((EventParser.Invalid) parsed).paths()).as(ex.name()).isNotEmpty();
            }
        }
    }
}
