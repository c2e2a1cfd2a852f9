package dev.cva.processor.support;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Builds SQS events the way Lambda delivers them: records cloned from the checked-in fixture
 * {@code events/sqs-fifo-event.json}, then read with the Lambda runtime's own {@link LambdaEventSerializers}.
 */
public final class SqsEvents {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final PojoSerializer<SQSEvent> SERIALIZER =
            LambdaEventSerializers.serializerFor(SQSEvent.class, SqsEvents.class.getClassLoader());

    /**
     * One message of a batch; {@code attributes} override the fixture's system attributes, {@code messageAttributes}
     * are String message attributes.
     */
    public record Msg(
            String messageId,
            String receiptHandle,
            String body,
            Map<String, String> attributes,
            Map<String, String> messageAttributes) {
        public Msg(String messageId, String receiptHandle, String body, Map<String, String> attributes) {
            this(messageId, receiptHandle, body, attributes, Map.of());
        }

        public static Msg of(String messageId, String body, String groupId, String dedupId) {
            return new Msg(
                    messageId,
                    "rh-" + messageId,
                    body,
                    Map.of("MessageGroupId", groupId, "MessageDeduplicationId", dedupId));
        }

        /** This message with one more system attribute (e.g. {@code AWSTraceHeader}). */
        public Msg withSystem(String name, String value) {
            var all = new java.util.HashMap<>(attributes);
            all.put(name, value);
            return new Msg(messageId, receiptHandle, body, all, messageAttributes);
        }

        /** This message with one more String message attribute (e.g. {@code traceparent}). */
        public Msg withAttribute(String name, String value) {
            var all = new java.util.HashMap<>(messageAttributes);
            all.put(name, value);
            return new Msg(messageId, receiptHandle, body, attributes, all);
        }
    }

    private SqsEvents() {}

    /** {@code eventSourceARN} of the records; the fixture's queue when {@code null}. */
    public static SQSEvent event(List<Msg> messages) {
        return event(messages, null);
    }

    public static SQSEvent event(List<Msg> messages, String eventSourceArn) {
        ObjectNode fixture = fixture();
        ObjectNode template = (ObjectNode) fixture.get("Records").get(0);
        ArrayNode records = MAPPER.createArrayNode();
        for (Msg m : messages) {
            ObjectNode r = template.deepCopy();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            r.put("md5OfBody", md5(m.body()));
            ObjectNode attrs = (ObjectNode) r.get("attributes");
            m.attributes().forEach(attrs::put);
            ObjectNode messageAttrs = (ObjectNode) r.get("messageAttributes");
            m.messageAttributes()
                    .forEach((k, v) ->
                            messageAttrs.putObject(k).put("stringValue", v).put("dataType", "String"));
            if (eventSourceArn != null) {
                r.put("eventSourceARN", eventSourceArn);
            }
            records.add(r);
        }
        fixture.set("Records", records);
        return SERIALIZER.fromJson(fixture.toString());
    }

    private static ObjectNode fixture() {
        try (InputStream in = SqsEvents.class.getClassLoader().getResourceAsStream("events/sqs-fifo-event.json")) {
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String md5(String body) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
