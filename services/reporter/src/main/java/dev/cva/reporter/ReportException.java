package dev.cva.reporter;

/** A store or mail call failed; the invocation fails so the schedule retries it. */
public class ReportException extends RuntimeException {
    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
