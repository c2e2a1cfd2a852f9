package dev.cva.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cva.cli.CvaException;
import dev.cva.replay.SqsPort;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FiltersTest {
    static SqsPort.Message message(String body, long sent, String group, Map<String, String> attrs) {
        Map<String, SqsPort.Attr> a = new java.util.LinkedHashMap<>();
        attrs.forEach((k, v) -> a.put(k, SqsPort.Attr.string(v)));
        Map<String, String> system = new java.util.HashMap<>(Map.of("SentTimestamp", Long.toString(sent)));
        if (group != null) {
            system.put("MessageGroupId", group);
        }
        return new SqsPort.Message("id", "rh", body, system, a);
    }

    static boolean matches(String match, String body) {
        return new Filters(null, null, List.of(Filters.Match.parse(match)), Map.of(), null)
                .test(message(body, 0, null, Map.of()));
    }

    @Test
    void matchIsAJsonPathNotAStringSearch() {
        String body = "{\"eventType\":\"response\",\"matchScore\":92.0,\"reasoning\":\"eventType=query\","
                + "\"metadata\":{\"sourcesUsed\":[\"cv\",\"blog\"],\"userAgent\":\"a=b\"}}";
        assertThat(matches("$.eventType=response", body)).isTrue();
        assertThat(matches("$.eventType=query", body)).isFalse(); // the text occurs in the body, not at that path
        assertThat(matches("$.matchScore=92", body)).isTrue(); // numbers compare as numbers
        assertThat(matches("$.metadata.userAgent=a=b", body)).isTrue(); // the split is at the first '='
        assertThat(matches("$.metadata.sourcesUsed[*]=blog", body)).isTrue(); // any result of an indefinite path
        assertThat(matches("$.metadata.sourcesUsed[?(@ == 'cv')]=cv", body))
                .isTrue(); // '=' inside a filter is the path's
        assertThat(matches("$.sessionId=null", body)).isTrue();
        assertThat(matches("$.metadata=x", body)).isFalse();
        assertThat(matches("$.eventType=response", "not json")).isFalse();
    }

    @Test
    void malformedMatchesAreUsageErrors() {
        for (String bad : List.of("$.eventType", "eventType=query", "$.[?(@.a==x=1", "=x")) {
            assertThatThrownBy(() -> Filters.Match.parse(bad))
                    .isInstanceOf(CvaException.class)
                    .satisfies(e ->
                            assertThat(((CvaException) e).exitCode().code()).isEqualTo(2));
        }
    }

    @Test
    void ageGroupAndAttributesAllMustHold() {
        Instant now = Instant.parse("2026-12-02T12:00:00Z");
        Filters f =
                new Filters(now.minusSeconds(3600), now.minusSeconds(60), List.of(), Map.of("reason", "timeout"), "g1");
        long sent = now.minusSeconds(600).toEpochMilli();
        assertThat(f.test(message("{}", sent, "g1", Map.of("reason", "timeout"))))
                .isTrue();
        assertThat(f.test(message("{}", sent, "g2", Map.of("reason", "timeout"))))
                .isFalse();
        assertThat(f.test(message("{}", sent, "g1", Map.of("reason", "400")))).isFalse();
        assertThat(f.test(message("{}", now.minusSeconds(7200).toEpochMilli(), "g1", Map.of("reason", "timeout"))))
                .isFalse();
        assertThat(f.test(message("{}", now.minusSeconds(10).toEpochMilli(), "g1", Map.of("reason", "timeout"))))
                .isFalse();
        assertThat(Filters.NONE.any()).isFalse();
        assertThat(f.any()).isTrue();
    }
}
