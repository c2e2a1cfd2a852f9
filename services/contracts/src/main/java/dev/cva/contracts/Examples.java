package dev.cva.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The valid and invalid example documents of each contract, read from this jar via its index. */
public final class Examples {
    private static final String ROOT = "contracts/examples/";

    public enum Kind {
        VALID,
        INVALID
    }

    public record Example(Contract contract, Kind kind, String name, byte[] bytes) {}

    /**
     * A violation an invalid example must produce: the instance path, the failing JSON Schema keyword and, where
     * the two do not say it all (a missing or unknown property), a word its message must contain.
     */
    public record Expected(String path, String keyword, String detail) {
        public boolean matches(Violation v) {
            return path.equals(v.path())
                    && keyword.equals(v.keyword())
                    && (detail == null || v.message().contains(detail));
        }

        @Override
        public String toString() {
            return path + " [" + keyword + "]" + (detail == null ? "" : " ~" + detail);
        }
    }

    private Examples() {}

    public static List<String> names(Contract contract, Kind kind) {
        JsonNode list = index().path(contract.id()).path(kind.name().toLowerCase());
        List<String> names = new ArrayList<>();
        list.forEach(n -> names.add(n.asText()));
        return names;
    }

    public static Example get(Contract contract, Kind kind, String name) {
        if (!names(contract, kind).contains(name)) {
            throw new IllegalArgumentException("no " + kind.name().toLowerCase() + " example '" + name + "' for "
                    + contract.id() + "; known: " + names(contract, kind));
        }
        return new Example(
                contract, kind, name, read(contract.id() + "/" + kind.name().toLowerCase() + "/" + name + ".json"));
    }

    /**
     * The exact violations an invalid example must produce, from its sidecar {@code <name>.expect.json}
     * (a JSON array of {@code {"path": "$.data.matchScore", "keyword": "maximum"}}, optionally with {@code "detail"}).
     */
    public static List<Expected> expected(Contract contract, String name) {
        get(contract, Kind.INVALID, name);
        try {
            JsonNode list = new ObjectMapper().readTree(read(contract.id() + "/invalid/" + name + ".expect.json"));
            List<Expected> out = new ArrayList<>();
            list.forEach(e -> out.add(new Expected(
                    e.path("path").asText(),
                    e.path("keyword").asText(),
                    e.hasNonNull("detail") ? e.get("detail").asText() : null)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Example> all(Contract contract, Kind kind) {
        return names(contract, kind).stream().map(n -> get(contract, kind, n)).toList();
    }

    private static JsonNode index() {
        try {
            return new ObjectMapper().readTree(read("index.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(String path) {
        try (InputStream in = Examples.class.getClassLoader().getResourceAsStream(ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException("contract resource missing from the classpath: " + ROOT + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
