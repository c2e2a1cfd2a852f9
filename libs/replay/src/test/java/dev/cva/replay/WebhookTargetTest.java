package dev.cva.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cva.contracts.webhook.WebhookSecret;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookTargetTest {
    @Test
    void onlyClientErrorsOtherThanRequestTimeoutAndTooManyRequestsArePermanent() {
        assertThat(WebhookTarget.permanent(400)).isTrue();
        assertThat(WebhookTarget.permanent(401)).isTrue();
        assertThat(WebhookTarget.permanent(422)).isTrue();
        assertThat(WebhookTarget.permanent(408)).isFalse();
        assertThat(WebhookTarget.permanent(429)).isFalse();
        assertThat(WebhookTarget.permanent(500)).isFalse();
        assertThat(WebhookTarget.permanent(503)).isFalse();
        assertThat(WebhookTarget.permanent(200)).isFalse();
    }

    @Test
    void aFreshWebhookIdEachTime() {
        assertThat(WebhookTarget.newMessageId()).matches("msg_[0-9a-f]{32}").isNotEqualTo(WebhookTarget.newMessageId());
    }

    @Test
    void theReplayCountAttributeIsReadLeniently() {
        SqsPort.Message never = new SqsPort.Message("1", "h", "{}", Map.of(), Map.of());
        SqsPort.Message twice =
                new SqsPort.Message("2", "h", "{}", Map.of(), Map.of(SqsPort.REPLAY_COUNT, SqsPort.Attr.number(2)));
        SqsPort.Message garbled =
                new SqsPort.Message("3", "h", "{}", Map.of(), Map.of(SqsPort.REPLAY_COUNT, SqsPort.Attr.string("x")));
        assertThat(never.replayCount()).isZero();
        assertThat(twice.replayCount()).isEqualTo(2);
        assertThat(garbled.replayCount()).isZero();
    }

    /** The notifier keeps a record's trace id as the dead letter's {@code traceId} attribute; a replay sends it again. */
    @Test
    void aDeadLetterWithATraceIdIsReplayedWithItsTraceparentAndOneWithoutWithNone() throws Exception {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        List<String> traceparents = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/webhook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String tp = exchange.getRequestHeaders().getFirst("traceparent");
            traceparents.add(tp == null ? "none" : tp);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            var target = new WebhookTarget(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/webhook"),
                    WebhookSecret.parse("whsec_Y3YtYW5hbHl0aWNzLWxvY2FsLWRldmVsb3BtZW50LW9ubHk="),
                    Clock.systemUTC(),
                    Duration.ofSeconds(5),
                    "test");
            var outcomes = target.deliver(List.of(
                    new SqsPort.Message("1", "h1", "{}", Map.of(), Map.of("traceId", SqsPort.Attr.string(trace))),
                    new SqsPort.Message("2", "h2", "{}", Map.of(), Map.of()),
                    new SqsPort.Message("3", "h3", "{}", Map.of(), Map.of("traceId", SqsPort.Attr.string("-")))));
            assertThat(outcomes).containsOnly(Target.Outcome.DELIVERED);
        } finally {
            server.stop(0);
        }
        assertThat(traceparents).hasSize(3);
        assertThat(traceparents.get(0)).matches("00-" + trace + "-[0-9a-f]{16}-01");
        assertThat(traceparents.subList(1, 3)).containsOnly("none");
    }
}
