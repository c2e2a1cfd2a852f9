package dev.cva.cli.options;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --yes} / {@code --no-input}: never prompt; for CI (a non-empty CI variable does the same, see Confirmation). */
public class ConfirmMixin {
    public static final String YES = "--yes";
    public static final String NO_INPUT = "--no-input";

    @Option(
            names = {"-y", YES, NO_INPUT},
            scope = ScopeType.INHERIT,
            description = "Assume yes to confirmations and never prompt (so does a non-empty CI variable).")
    boolean yes;
}
