package dev.cva.cli.options;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --verbose}, {@code --quiet} and {@code --no-color}: how chatty stderr is. */
public class LoggingMixin {
    public static final String VERBOSE = "--verbose";
    public static final String QUIET = "--quiet";
    public static final String NO_COLOR = "--no-color";

    @Option(
            names = {"-v", VERBOSE},
            scope = ScopeType.INHERIT,
            description = "More detail on stderr, and stack traces on errors.")
    boolean verbose;

    // no '-q': replay-dlq's -q is its --queue, and an inherited option may not share a name with a local one
    @Option(
            names = QUIET,
            scope = ScopeType.INHERIT,
            description = "Only errors on stderr: no progress, notes or warnings (stdout is unchanged).")
    boolean quiet;

    @Option(
            names = NO_COLOR,
            scope = ScopeType.INHERIT,
            description = "No colour (also when NO_COLOR is set or stdout is not a terminal).")
    boolean noColor;
}
