package dev.cva.notifier;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.contracts.tracing.TraceIds;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** A stream record's NEW_IMAGE as the {@code analytics-record} contract's JSON, fields in contract order. */
public final class RecordImage {
    /** The contract's fields; other attributes of the item (if any appear later) are not sent. */
    static final List<String> FIELDS = List.of(
            "requestId",
            "query",
            "matchType",
            "matchScore",
            "reasoning",
            "vectorMatches",
            "sessionId",
            "week",
            "timestamp",
            "responseTimestamp",
            "latencyMs",
            "performance");

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private RecordImage() {}

    /**
     * The record's W3C trace id (attribute {@code traceId}, written by the processor); {@code null} when the image
     * has none (a record written before trace ids) or a malformed one: it is sent in the {@code traceparent} header,
     * not in the body, so the body stays the {@code analytics-record} the webhook contract describes.
     */
    public static String traceId(Map<String, AttributeValue> image) {
        AttributeValue v = image == null ? null : image.get(TraceIds.TRACE_ID);
        return v != null && TraceIds.isTraceId(v.getS()) ? v.getS() : null;
    }

    public static ObjectNode toJson(Map<String, AttributeValue> image) {
        ObjectNode n = F.objectNode();
        for (String field : FIELDS) {
            AttributeValue v = image.get(field);
            if (v != null && !Boolean.TRUE.equals(v.getNULL())) {
                n.set(field, value(v));
            }
        }
        return n;
    }

    /**
     * An image as DynamoDB JSON ({"N":"92"}), values copied as text without being parsed, so it cannot fail on a
     * value {@link #toJson} refuses: what a dead letter keeps of a record no webhook could be made of.
     */
    public static ObjectNode raw(Map<String, AttributeValue> image) {
        ObjectNode n = F.objectNode();
        image.forEach((k, v) -> n.set(k, rawValue(v)));
        return n;
    }

    private static JsonNode rawValue(AttributeValue v) {
        ObjectNode o = F.objectNode();
        if (v == null) {
            return o.put("NULL", true);
        }
        if (v.getS() != null) {
            o.put("S", v.getS());
        } else if (v.getN() != null) {
            o.put("N", v.getN());
        } else if (v.getBOOL() != null) {
            o.put("BOOL", v.getBOOL());
        } else if (Boolean.TRUE.equals(v.getNULL())) {
            o.put("NULL", true);
        } else if (v.getM() != null) {
            o.set("M", raw(v.getM()));
        } else if (v.getL() != null) {
            var a = o.putArray("L");
            v.getL().forEach(x -> a.add(rawValue(x)));
        } else if (v.getSS() != null) {
            var a = o.putArray("SS");
            v.getSS().forEach(a::add);
        } else if (v.getNS() != null) {
            var a = o.putArray("NS");
            v.getNS().forEach(a::add);
        } else {
            o.put("unsupported", true); // B and BS are never written by the processor
        }
        return o;
    }

    static JsonNode value(AttributeValue v) {
        if (v.getS() != null) {
            return F.textNode(v.getS());
        }
        if (v.getN() != null) {
            BigDecimal d = new BigDecimal(v.getN());
            if (d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0) {
                try {
                    return F.numberNode(d.longValueExact());
                } catch (ArithmeticException tooBig) {
                    return F.numberNode(d);
                }
            }
            return F.numberNode(d);
        }
        if (v.getBOOL() != null) {
            return F.booleanNode(v.getBOOL());
        }
        if (v.getM() != null) {
            ObjectNode o = F.objectNode();
            v.getM().forEach((k, x) -> o.set(k, value(x)));
            return o;
        }
        if (v.getL() != null) {
            var a = F.arrayNode();
            v.getL().forEach(x -> a.add(value(x)));
            return a;
        }
        if (v.getSS() != null) {
            var a = F.arrayNode();
            v.getSS().forEach(a::add);
            return a;
        }
        if (v.getNS() != null) {
            var a = F.arrayNode();
            v.getNS().forEach(x -> a.add(new BigDecimal(x)));
            return a;
        }
        return F.nullNode();
    }
}
