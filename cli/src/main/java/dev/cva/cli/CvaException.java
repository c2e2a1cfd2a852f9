package dev.cva.cli;

/**
 * The one exception type commands and services throw for an expected failure. It carries the exit code and
 * an optional hint that tells the user how to fix it; the root handler prints both without a stack trace
 * (unless {@code --verbose}). Messages must never contain secrets.
 */
public class CvaException extends RuntimeException {
    private final ExitCode exitCode;
    private final String hint;

    public CvaException(ExitCode exitCode, String message) {
        this(exitCode, message, null, null);
    }

    public CvaException(ExitCode exitCode, String message, String hint) {
        this(exitCode, message, hint, null);
    }

    public CvaException(ExitCode exitCode, String message, String hint, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** How to fix it, or null. */
    public String hint() {
        return hint;
    }

    public static CvaException usage(String message, String hint) {
        return new CvaException(ExitCode.USAGE, message, hint);
    }

    public static CvaException failure(String message, Throwable cause) {
        return new CvaException(ExitCode.FAILURE, message, null, cause);
    }
}
