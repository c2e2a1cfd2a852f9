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

    public enum Kind { VALID, INVALID }

    public record Example(Contract contract, Kind kind, String name, byte[] bytes) {}

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
        return new Example(contract, kind, name, read(contract.id() + "/" + kind.name().toLowerCase() + "/" + name + ".json"));
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
