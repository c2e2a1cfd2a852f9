package dev.cva.cli.options;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --yes} / {@code --no-input}: never prompt; for CI. */
public class ConfirmMixin {
    public static final String YES = "--yes";
    public static final String NO_INPUT = "--no-input";

    @Option(names = {"-y", YES, NO_INPUT}, scope = ScopeType.INHERIT,
            description = "Assume yes to confirmations and never prompt (for CI).")
    boolean yes;
}
