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
        assertThat(ElasticMq.config(9324, "eu-west-2", new ElasticMq.Queues("q.fifo", "d.fifo", "w", "s", 180)))
                .containsPattern(eventQueue(180));
        assertThat(ElasticMq.config(9324, "eu-west-2", new ElasticMq.Queues("q.fifo", "d.fifo", "w", "s")))
                .containsPattern(eventQueue(ElasticMq.VISIBILITY_SECONDS));
    }

    @Test
    void theStreamMappingsOnFailureQueueIsAStandardQueueNextToTheWebhookDlq() {
        String conf =
                ElasticMq.config(9324, "eu-west-2", new ElasticMq.Queues("q.fifo", "d.fifo", "w", "stream-failures"));
        assertThat(conf)
                .containsPattern("\"w\" \\{ defaultVisibilityTimeout = 30 seconds }")
                .containsPattern("\"stream-failures\" \\{ defaultVisibilityTimeout = 30 seconds }");
    }
}
