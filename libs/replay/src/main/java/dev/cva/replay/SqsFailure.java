package dev.cva.replay;

/** An SQS call failed; the message names the operation and SQS's error code, never credentials. */
public final class SqsFailure extends RuntimeException {
    private final boolean notFound;
    private final boolean unavailable;

    public SqsFailure(String message, boolean notFound, boolean unavailable, Throwable cause) {
        super(message, cause);
        this.notFound = notFound;
        this.unavailable = unavailable;
    }

    /** The queue does not exist. */
    public boolean notFound() {
        return notFound;
    }

    /** The endpoint could not be reached or did not answer (a connection or I/O error, not an SQS error). */
    public boolean unavailable() {
        return unavailable;
    }
}
