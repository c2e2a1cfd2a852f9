package dev.cva.receiver;

import java.util.List;

/** The environment does not describe a usable receiver. The message lists every problem; it never holds a secret. */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("receiver configuration is invalid:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
