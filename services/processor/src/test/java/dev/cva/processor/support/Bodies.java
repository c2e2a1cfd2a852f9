package dev.cva.processor.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.contracts.Contract;
import dev.cva.contracts.Examples;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Message bodies built from the contract examples, re-keyed so every test has its own requestIds. */
public final class Bodies {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Bodies() {}

    public static ObjectNode example(Contract contract, Examples.Kind kind, String name) {
        try {
            return (ObjectNode)
                    MAPPER.readTree(Examples.get(contract, kind, name).bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The "full" query example with this requestId and timestamp. */
    public static ObjectNode query(String requestId, long timestamp) {
        ObjectNode n = example(Contract.QUERY_EVENT, Examples.Kind.VALID, "full");
        n.put("requestId", requestId);
        n.put("timestamp", timestamp);
        return n;
    }

    /** The "full" response example with this requestId and timestamp. */
    public static ObjectNode response(String requestId, long timestamp) {
        ObjectNode n = example(Contract.RESPONSE_EVENT, Examples.Kind.VALID, "full");
        n.put("requestId", requestId);
        n.put("timestamp", timestamp);
        return n;
    }
}
