package dev.cva.cli.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapturedRequestTest {

    @Test
    void curlDumpWithStatusLineAndCrlf() {
        CapturedRequest r = CapturedRequest.parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Webhook-Id: msg_1\r\nwebhook-timestamp:  1700000000 \r\n\r\n");
        assertThat(r.first("webhook-id")).isEqualTo("msg_1");
        assertThat(r.first("WEBHOOK-TIMESTAMP")).isEqualTo("1700000000");
        assertThat(r.ignored()).containsExactly("HTTP/1.1 200 OK");
    }

    @Test
    void requestLineBrowserPseudoHeadersAndCurlFlags() {
        CapturedRequest r = CapturedRequest.parse("""
                POST /hook HTTP/1.1
                :authority: example.test
                -H 'webhook-signature: v1,abc= v1,def='
                --header "x-webhook-signature: sha256=00ff" \\
                curl -X POST https://example.test \\
                """);
        assertThat(r.first("webhook-signature")).isEqualTo("v1,abc= v1,def=");
        assertThat(r.first("x-webhook-signature")).isEqualTo("sha256=00ff");
        assertThat(r.ignored()).hasSize(3);
    }

    @Test
    void jsonObjectsWithStringsOrListsAndTheSignCommandsShape() {
        CapturedRequest flat =
                CapturedRequest.parse("{\"Webhook-Id\": \"m\", \"webhook-timestamp\": 17, \"x\": [\"a\", \"b\"]}");
        assertThat(flat.first("webhook-id")).isEqualTo("m");
        assertThat(flat.first("webhook-timestamp")).isEqualTo("17");
        assertThat(flat.headers().get("X")).isEqualTo(List.of("a", "b"));
        CapturedRequest nested = CapturedRequest.parse("{\"headers\": {\"webhook-id\": \"n\"}, \"scheme\": \"both\"}");
        assertThat(nested.first("webhook-id")).isEqualTo("n");
        assertThatThrownBy(() -> CapturedRequest.parse("{not json")).hasMessageContaining("not valid JSON");
    }
}
