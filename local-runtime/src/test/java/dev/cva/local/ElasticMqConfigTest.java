package dev.cva.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ElasticMqConfigTest {

    static String eventQueue(int seconds) {
        return "\"q\\.fifo\" \\{\\s*fifo = true\\s*contentBasedDeduplication = false\\s*defaultVisibilityTimeout = "
                + seconds + " seconds\\s*deadLettersQueue \\{ name = \"d\\.fifo\", maxReceiveCount = 3 }";
    }

    @Test
    void theEventQueueTakesTheVisibilityItIsGivenAndKeepsTheShortLocalDefaultOtherwise() {
        assertThat(ElasticMq.config(9324, "eu-west-2", new ElasticMq.Queues("q.fifo", "d.fifo", "w", 180)))
                .containsPattern(eventQueue(180));
        assertThat(ElasticMq.config(9324, "eu-west-2", new ElasticMq.Queues("q.fifo", "d.fifo", "w")))
                .containsPattern(eventQueue(ElasticMq.VISIBILITY_SECONDS));
    }
}
