package dev.cva.replay;

import static org.assertj.core.api.Assertions.assertThat;

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
        SqsPort.Message twice = new SqsPort.Message("2", "h", "{}", Map.of(), Map.of(SqsPort.REPLAY_COUNT, SqsPort.Attr.number(2)));
        SqsPort.Message garbled = new SqsPort.Message("3", "h", "{}", Map.of(), Map.of(SqsPort.REPLAY_COUNT, SqsPort.Attr.string("x")));
        assertThat(never.replayCount()).isZero();
        assertThat(twice.replayCount()).isEqualTo(2);
        assertThat(garbled.replayCount()).isZero();
    }
}
