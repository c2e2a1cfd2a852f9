package dev.cva.cli.stack;

import dev.cva.cli.CvaContext;
import java.util.Collection;

/** Tiny JSON helpers for hand-built documents. */
final class CvaJson {
    private CvaJson() {}

    static String quoteAll(Collection<String> values) {
        try {
            return CvaContext.json()
                    .writer()
                    .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
