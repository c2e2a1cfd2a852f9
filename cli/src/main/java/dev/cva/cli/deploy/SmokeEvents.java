package dev.cva.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CvaContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The harmless test invocation of each Lambda after a deploy, built from the contracts' own valid examples:
 * the processor gets an SQS batch holding {@code query-event/valid/minimal.json}, the notifier a DynamoDB stream
 * INSERT of {@code analytics-record/valid/full.json}, and the reporter {@code {"dryRun":true}} (render, send
 * nothing). Each carries {@code cva-smoke} identifiers so the records are recognisable downstream.
 */
public final class SmokeEvents {
    private static final ObjectMapper JSON = CvaContext.json();

    private SmokeEvents() {}

    public static byte[] forService(String service, String region) {
        try {
            return JSON.writeValueAsBytes(
                    switch (service) {
                        case "processor" -> sqs(example("query-event/valid/minimal.json"), region);
                        case "notifier" -> stream(example("analytics-record/valid/full.json"), region);
                        default -> Map.of("dryRun", true, "source", "cva-smoke");
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode example(String path) {
        try (InputStream in = SmokeEvents.class.getClassLoader().getResourceAsStream("contracts/examples/" + path)) {
            if (in == null) {
                throw new IllegalStateException("contract example " + path + " is not on the class path");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode sqs(JsonNode body, String region) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode r = root.putArray("Records").addObject();
        r.put("messageId", "cva-smoke-1");
        r.put("receiptHandle", "cva-smoke");
        r.put("body", body.toString());
        ObjectNode attrs = r.putObject("attributes");
        attrs.put("ApproximateReceiveCount", "1");
        attrs.put("MessageGroupId", "cva-smoke");
        attrs.put("MessageDeduplicationId", "cva-smoke-1");
        attrs.put("SentTimestamp", Long.toString(System.currentTimeMillis()));
        r.putObject("messageAttributes");
        r.put("eventSource", "aws:sqs");
        r.put("eventSourceARN", "arn:aws:sqs:" + region + ":000000000000:cva-smoke.fifo");
        r.put("awsRegion", region);
        return root;
    }

    private static ObjectNode stream(JsonNode record, String region) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode r = root.putArray("Records").addObject();
        r.put("eventID", "cva-smoke-1");
        r.put("eventName", "INSERT");
        r.put("eventSource", "aws:dynamodb");
        r.put("awsRegion", region);
        ObjectNode db = r.putObject("dynamodb");
        db.put("SequenceNumber", "1");
        db.put("StreamViewType", "NEW_IMAGE");
        db.set("NewImage", attributes(record));
        r.put("eventSourceARN", "arn:aws:dynamodb:" + region + ":000000000000:table/cva-smoke/stream/smoke");
        return root;
    }

    /** JSON object → DynamoDB attribute values ({@code S}, {@code N}, {@code BOOL}, {@code M}, {@code L}, {@code NULL}). */
    static ObjectNode attributes(JsonNode object) {
        ObjectNode out = JSON.createObjectNode();
        object.fields().forEachRemaining(e -> out.set(e.getKey(), attribute(e.getValue())));
        return out;
    }

    private static ObjectNode attribute(JsonNode v) {
        ObjectNode a = JSON.createObjectNode();
        if (v.isObject()) {
            a.set("M", attributes(v));
        } else if (v.isArray()) {
            ArrayNode l = a.putArray("L");
            v.forEach(x -> l.add(attribute(x)));
        } else if (v.isNumber()) {
            a.put("N", v.asText());
        } else if (v.isBoolean()) {
            a.put("BOOL", v.asBoolean());
        } else if (v.isNull()) {
            a.put("NULL", true);
        } else {
            a.put("S", v.asText());
        }
        return a;
    }
}
