package dev.cva.cli.options;

import java.nio.file.Path;
import picocli.CommandLine.ParseResult;

/**
 * The global options as parsed, wherever on the command line they appeared ({@code cva --json version} and
 * {@code cva version --json} mean the same). Read from the parse result, so no command needs to know which
 * copy of an inherited option picocli bound.
 */
public record GlobalOptions(
        String env, Path config, boolean json, boolean verbose, boolean quiet, boolean noColor, boolean yes) {

    public static final GlobalOptions DEFAULTS = new GlobalOptions(null, null, false, false, false, false, false);

    public static GlobalOptions from(ParseResult root) {
        String env = null;
        Path config = null;
        boolean json = false, verbose = false, quiet = false, noColor = false, yes = false;
        for (ParseResult pr = root; pr != null; pr = pr.subcommand()) {
            env = pr.matchedOptionValue(EnvMixin.ENV, env);
            config = pr.matchedOptionValue(EnvMixin.CONFIG, config);
            json |= pr.hasMatchedOption(OutputMixin.JSON);
            verbose |= pr.hasMatchedOption(LoggingMixin.VERBOSE);
            quiet |= pr.hasMatchedOption(LoggingMixin.QUIET);
            noColor |= pr.hasMatchedOption(LoggingMixin.NO_COLOR);
            yes |= pr.hasMatchedOption(ConfirmMixin.YES);
        }
        return new GlobalOptions(env, config, json, verbose, quiet, noColor, yes);
    }
}
