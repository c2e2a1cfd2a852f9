package dev.cva.cli.logs;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Where one environment's service logs are read: the local stack's JSON log files, CloudWatch Logs (the Lambdas) or
 * Cloud Logging (the receiver). Implementations translate their SDK's exceptions into {@code CvaException}s.
 */
public interface LogSource {
    /** Every line matching {@code query} written so far, oldest first. */
    java.util.List<LogLine> read(LogQuery query);

    /**
     * Prints matching lines as they are written, starting with those since {@code query.since()}, until
     * {@code stop} answers true (checked at least every second) or the thread is interrupted.
     */
    void follow(LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop);
}
