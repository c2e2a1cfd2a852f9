package dev.cva.contracts.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.contracts.Contract;
import dev.cva.contracts.ContractValidator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLogTest {
    @Test
    void aChildLogAddsItsFieldsToEveryLineAndTheParentIsUnchanged() throws Exception {
        var bytes = new ByteArrayOutputStream();
        var log = new JsonLog(
                "notifier",
                new PrintStream(bytes, true, StandardCharsets.UTF_8),
                Clock.fixed(Instant.parse("2026-12-07T12:00:00.123Z"), ZoneOffset.UTC));
        JsonLog invocation = log.with("awsRequestId", "c6af9ac6-7b61-11e6-9a41-93e812345678", "skipped", null);
        JsonLog request = invocation.with(
                "requestId", "3f1c9a52-8d0e-4c4b-9f5e-2a7d1b6c0e91", "traceId", "5759e988bd862e3fe1be46a994272793");
        request.info("webhook delivered", "status", 200);
        invocation.debug("batch done");
        log.warn("plain");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        var validator = new ContractValidator();
        lines.forEach(l -> assertThat(validator.validate(Contract.LOG_LINE, l))
                .as(l.toString())
                .isEmpty());
        assertThat(lines.get(0).toString())
                .isEqualTo("{\"time\":\"2026-12-07T12:00:00.123Z\",\"severity\":\"INFO\","
                        + "\"level\":\"INFO\",\"service\":\"notifier\",\"message\":\"webhook delivered\","
                        + "\"awsRequestId\":\"c6af9ac6-7b61-11e6-9a41-93e812345678\","
                        + "\"requestId\":\"3f1c9a52-8d0e-4c4b-9f5e-2a7d1b6c0e91\","
                        + "\"traceId\":\"5759e988bd862e3fe1be46a994272793\",\"status\":200}");
        assertThat(lines.get(1).path("awsRequestId").asText()).isEqualTo("c6af9ac6-7b61-11e6-9a41-93e812345678");
        assertThat(lines.get(1).has("requestId")).isFalse();
        assertThat(lines.get(1).has("skipped")).isFalse();
        assertThat(lines.get(1).path("severity").asText()).isEqualTo("DEBUG");
        assertThat(lines.get(2).has("awsRequestId")).isFalse();
    }
}
