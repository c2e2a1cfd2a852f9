package dev.cva.local;

/**
 * A part of the local environment could not start, answer or stop. The message says what and the hint how to fix
 * it; the CLI turns it into its own error (exit 1), tests let it fail the test.
 */
public class LocalRuntimeException extends RuntimeException {
    private final String hint;

    public LocalRuntimeException(String message, String hint) {
        this(message, hint, null);
    }

    public LocalRuntimeException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** How to fix it, or null. */
    public String hint() {
        return hint;
    }

    /** A download or artefact did not verify (its checksum differs): the CLI exits 5. */
    public static final class VerificationFailed extends LocalRuntimeException {
        public VerificationFailed(String message, String hint) {
            super(message, hint);
        }
    }

    /** The waiting thread was interrupted (Ctrl-C): the CLI exits 130. */
    public static final class Interrupted extends LocalRuntimeException {
        public Interrupted(Throwable cause) {
            super("interrupted", null, cause);
        }
    }
}
