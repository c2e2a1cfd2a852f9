package dev.cva.notifier.support;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB stream events as Lambda delivers them: records read back from moto's real DynamoDB stream through the
 * streams client, written in the Lambda event's JSON shape (envelope from the fixture
 * {@code events/dynamodb-stream-event.json}), then read with the Lambda runtime's {@link LambdaEventSerializers}.
 */
public final class StreamEvents {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final PojoSerializer<DynamodbEvent> SERIALIZER =
            LambdaEventSerializers.serializerFor(DynamodbEvent.class, StreamEvents.class.getClassLoader());

    private StreamEvents() {}

    /** Every record of every shard of the table's stream, from the start. */
    public static List<Record> readAll(DynamoDbStreamsClient streams, String streamArn) {
        List<Record> all = new ArrayList<>();
        var shards = streams.describeStream(b -> b.streamArn(streamArn))
                .streamDescription()
                .shards();
        for (var shard : shards) {
            String it = streams.getShardIterator(b -> b.streamArn(streamArn)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            while (it != null) {
                String current = it;
                var r = streams.getRecords(b -> b.shardIterator(current).limit(1000));
                all.addAll(r.records());
                if (r.records().isEmpty()) {
                    break;
                }
                it = r.nextShardIterator();
            }
        }
        return all;
    }

    /** The Lambda event JSON of these records. */
    public static String json(List<Record> records, String streamArn) {
        ObjectNode fixture = fixture("events/dynamodb-stream-event.json");
        ObjectNode template = (ObjectNode) fixture.get("Records").get(0);
        ArrayNode out = MAPPER.createArrayNode();
        for (Record rec : records) {
            ObjectNode r = template.deepCopy();
            r.put("eventID", rec.eventID());
            r.put("eventName", rec.eventNameAsString());
            r.put("eventVersion", rec.eventVersion());
            r.put("eventSourceARN", streamArn);
            ObjectNode d = MAPPER.createObjectNode();
            d.put(
                    "ApproximateCreationDateTime",
                    rec.dynamodb().approximateCreationDateTime().getEpochSecond());
            d.set("Keys", image(rec.dynamodb().keys()));
            if (rec.dynamodb().hasNewImage()) {
                d.set("NewImage", image(rec.dynamodb().newImage()));
            }
            d.put("SequenceNumber", rec.dynamodb().sequenceNumber());
            d.put("SizeBytes", rec.dynamodb().sizeBytes());
            d.put("StreamViewType", rec.dynamodb().streamViewTypeAsString());
            r.set("dynamodb", d);
            out.add(r);
        }
        fixture.set("Records", out);
        return fixture.toString();
    }

    public static DynamodbEvent event(String json) {
        return SERIALIZER.fromJson(json);
    }

    public static ObjectNode fixture(String path) {
        try (InputStream in = StreamEvents.class.getClassLoader().getResourceAsStream(path)) {
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode n = MAPPER.createObjectNode();
        item.forEach((k, v) -> n.set(k, attribute(v)));
        return n;
    }

    static JsonNode attribute(AttributeValue v) {
        ObjectNode n = MAPPER.createObjectNode();
        switch (v.type()) {
            case S -> n.put("S", v.s());
            case N -> n.put("N", v.n());
            case BOOL -> n.put("BOOL", v.bool());
            case NUL -> n.put("NULL", true);
            case M -> n.set("M", image(v.m()));
            case L -> {
                ArrayNode a = n.putArray("L");
                v.l().forEach(x -> a.add(attribute(x)));
            }
            case SS -> {
                ArrayNode a = n.putArray("SS");
                v.ss().forEach(a::add);
            }
            case NS -> {
                ArrayNode a = n.putArray("NS");
                v.ns().forEach(a::add);
            }
            default -> throw new IllegalArgumentException("unsupported attribute type " + v.type());
        }
        return n;
    }

    /** A contract JSON document as a DynamoDB item (numbers as N, objects as M). */
    public static Map<String, AttributeValue> item(JsonNode json) {
        Map<String, AttributeValue> item = new java.util.LinkedHashMap<>();
        json.fields().forEachRemaining(e -> item.put(e.getKey(), toAttribute(e.getValue())));
        return item;
    }

    static AttributeValue toAttribute(JsonNode v) {
        if (v.isTextual()) return AttributeValue.fromS(v.asText());
        if (v.isNumber()) return AttributeValue.fromN(v.asText());
        if (v.isBoolean()) return AttributeValue.fromBool(v.asBoolean());
        if (v.isObject()) return AttributeValue.fromM(item(v));
        throw new IllegalArgumentException("unsupported JSON " + v.getNodeType());
    }
}
