package dev.cva.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB items as DynamoDB JSON ({@code {"requestId":{"S":"…"}}}), the format of DynamoDB's own exports, both ways. */
final class ItemJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ItemJson() {}

    static ObjectNode toJson(Map<String, AttributeValue> item) {
        ObjectNode o = F.objectNode();
        item.forEach((k, v) -> o.set(k, value(v)));
        return o;
    }

    static Map<String, AttributeValue> fromJson(JsonNode json) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        json.fields().forEachRemaining(e -> item.put(e.getKey(), attribute(e.getValue())));
        return item;
    }

    private static ObjectNode value(AttributeValue v) {
        ObjectNode o = F.objectNode();
        switch (v.type()) {
            case S -> o.put("S", v.s());
            case N -> o.put("N", v.n());
            case B -> o.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
            case BOOL -> o.put("BOOL", v.bool());
            case NUL -> o.put("NULL", true);
            case M -> o.set("M", toJson(v.m()));
            case L -> {
                var a = o.putArray("L");
                v.l().forEach(e -> a.add(value(e)));
            }
            case SS -> {
                var a = o.putArray("SS");
                v.ss().forEach(a::add);
            }
            case NS -> {
                var a = o.putArray("NS");
                v.ns().forEach(a::add);
            }
            case BS -> {
                var a = o.putArray("BS");
                v.bs().forEach(b -> a.add(Base64.getEncoder().encodeToString(b.asByteArray())));
            }
            default -> throw new IllegalArgumentException("an attribute of an unknown type: " + v);
        }
        return o;
    }

    private static AttributeValue attribute(JsonNode j) {
        var e = j.fields().next();
        JsonNode v = e.getValue();
        return switch (e.getKey()) {
            case "S" -> AttributeValue.fromS(v.asText());
            case "N" -> AttributeValue.fromN(v.asText());
            case "B" ->
                AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asText())));
            case "BOOL" -> AttributeValue.fromBool(v.asBoolean());
            case "NULL" -> AttributeValue.fromNul(true);
            case "M" -> AttributeValue.fromM(fromJson(v));
            case "L" -> {
                List<AttributeValue> l = new ArrayList<>();
                v.forEach(x -> l.add(attribute(x)));
                yield AttributeValue.fromL(l);
            }
            case "SS" -> {
                List<String> l = new ArrayList<>();
                v.forEach(x -> l.add(x.asText()));
                yield AttributeValue.fromSs(l);
            }
            case "NS" -> {
                List<String> l = new ArrayList<>();
                v.forEach(x -> l.add(x.asText()));
                yield AttributeValue.fromNs(l);
            }
            case "BS" -> {
                List<SdkBytes> l = new ArrayList<>();
                v.forEach(x -> l.add(SdkBytes.fromByteArray(Base64.getDecoder().decode(x.asText()))));
                yield AttributeValue.fromBs(l);
            }
            default -> throw new IllegalArgumentException("an attribute of an unknown type: " + e.getKey());
        };
    }
}
