package dev.cva.cli.trace;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.logs.LogLine;
import dev.cva.cli.logs.LogQuery;
import dev.cva.cli.logs.LogSource;
import dev.cva.cli.logs.LogSources;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The services' lines through {@link LogSources}, as {@code cva logs} reads them. Logs are the optional half of a
 * trace: a log system that cannot be read is said once on stderr and the stored hops are shown without it.
 */
final class ServiceLogs implements TraceSources.Logs {
    private final CvaContext ctx;
    private final Map<String, LogSource> sources =
            new java.util.concurrent.ConcurrentHashMap<>(); // read from several threads

    ServiceLogs(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public List<LogLine> read(String service, String requestId, Instant since) {
        try {
            LogSource source = sources.computeIfAbsent(service, s -> LogSources.open(ctx, s));
            return source.read(new LogQuery(service, since, requestId, null));
        } catch (RuntimeException e) {
            // said once per service (its source is then NONE): the stores still give every stored hop; a reader's own
            // failure (not a CvaException) is named by its kind too
            ctx.warn("the " + service + " logs were not read: "
                    + (e instanceof CvaException ? e.getMessage() : e.toString()));
            sources.put(service, NONE);
            return List.of();
        }
    }

    private static final LogSource NONE = new LogSource() {
        @Override
        public List<LogLine> read(LogQuery query) {
            return List.of();
        }

        @Override
        public void follow(
                LogQuery query, java.util.function.Consumer<LogLine> sink, java.util.function.BooleanSupplier stop) {}
    };
}
