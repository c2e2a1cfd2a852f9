package dev.cva.cli.logs;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.local.LocalState;
import java.nio.file.Path;
import java.util.TreeSet;

/** Picks where a service's logs are read for the current environment. */
public final class LogSources {
    private LogSources() {}

    /**
     * The log source of {@code service} in the context's environment: on {@code local} the running stack's log files
     * (they stay readable after the stack stops).
     */
    public static LogSource open(CvaContext ctx, String service) {
        var services = ctx.config().config().services().keySet();
        if (!services.contains(service)) {
            throw new CvaException(ExitCode.USAGE, "unknown service '" + service + "'",
                    "one of " + String.join(", ", new TreeSet<>(services)));
        }
        if (CvaContext.DEFAULT_ENVIRONMENT.equals(ctx.environmentName())) {
            return new LocalLogSource(localLogs(ctx));
        }
        throw new CvaException(ExitCode.USAGE, "reading " + service + "'s logs in environment '" + ctx.environmentName()
                + "' is not built yet", "read them in the cloud's console, or use the local stack's with --env local");
    }

    static Path localLogs(CvaContext ctx) {
        return LocalState.read(ctx).map(s -> s.resource("logs")).filter(l -> l != null && !l.isBlank()).map(Path::of)
                .orElse(ctx.projectRoot().resolve(".cva/local/logs"));
    }
}
