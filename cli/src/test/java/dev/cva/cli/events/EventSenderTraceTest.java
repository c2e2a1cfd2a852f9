package dev.cva.cli.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.contracts.tracing.TraceIds;
import dev.cva.local.LocalSqs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Local traffic is traced from its first hop: each event goes to the queue with a W3C traceparent attribute. */
class EventSenderTraceTest {
    @Test
    void bothHalvesOfARequestCarryOneTraceWhicheverWayTheyAreSent() {
        try (LocalSqs local = LocalSqs.start();
                SqsClient sqs = local.client()) {
            String url = sqs.createQueue(b -> b.queueName(
                                    "events-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo")
                            .attributesWithStrings(java.util.Map.of("FifoQueue", "true")))
                    .queueUrl();
            EventSender sender = new EventSender(sqs, url);
            ChatEvents events = new ChatEvents(new Random(26));
            String one = UUID.randomUUID().toString();
            String two = UUID.randomUUID().toString();
            JsonNode query = events.query(one, 1_700_000_000_000L);
            sender.send(query);
            sender.sendBatch(List.of(
                    EventSender.Outgoing.of(events.response(one, 1_700_000_001_000L)),
                    EventSender.Outgoing.of(events.query(two, 1_700_000_000_000L))));
            sender.sendRaw("{not json", two, two + "-poison", two, "query");

            List<Message> got = new ArrayList<>();
            while (got.size() < 4) {
                List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url)
                                .maxNumberOfMessages(10)
                                .waitTimeSeconds(1)
                                .messageAttributeNames("All"))
                        .messages();
                assertThat(batch).as("all four messages arrive").isNotEmpty();
                got.addAll(batch);
            }
            for (Message m : got) {
                String requestId = m.body().contains(one) ? one : two;
                String traceparent = m.messageAttributes().get("traceparent").stringValue();
                assertThat(TraceIds.fromTraceparent(traceparent))
                        .as(traceparent)
                        .contains(EventSender.traceId(requestId));
            }
            assertThat(EventSender.traceId(one))
                    .isNotEqualTo(EventSender.traceId(two))
                    .isNotEqualTo(one.replace("-", ""));
        }
    }
}
