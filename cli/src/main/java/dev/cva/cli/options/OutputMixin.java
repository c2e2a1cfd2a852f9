package dev.cva.cli.options;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --json}: machine-readable output on stdout, with a stable shape per command. */
public class OutputMixin {
    public static final String JSON = "--json";

    @Option(names = JSON, scope = ScopeType.INHERIT, description = "Print machine-readable JSON on stdout.")
    boolean json;
}
