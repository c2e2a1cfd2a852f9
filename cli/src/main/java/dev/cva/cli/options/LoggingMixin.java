package dev.cva.cli.options;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --verbose} and {@code --no-color}: how chatty stderr is. */
public class LoggingMixin {
    public static final String VERBOSE = "--verbose";
    public static final String NO_COLOR = "--no-color";

    @Option(names = {"-v", VERBOSE}, scope = ScopeType.INHERIT,
            description = "More detail on stderr, and stack traces on errors.")
    boolean verbose;

    @Option(names = NO_COLOR, scope = ScopeType.INHERIT,
            description = "No colour (also when NO_COLOR is set or stdout is not a terminal).")
    boolean noColor;
}
