package dev.cva.cli.top;

/** Where the figures of {@code cva top} come from: the local stack, or the clouds' metrics. */
public interface TopSource extends AutoCloseable {
    /** The figures now; a source that cannot answer throws a {@link dev.cva.cli.CvaException}. */
    TopSnapshot read();

    /** How often a new frame is worth asking for (the clouds' metrics come by the minute). */
    default java.time.Duration resolution() {
        return java.time.Duration.ZERO;
    }

    @Override
    default void close() {}
}
