package dev.cva.cli;

/**
 * The one exit-code table of cva, shown in {@code cva --help} and the README. Every command returns one of
 * these; only {@link Cva#main} turns it into a process status.
 */
public enum ExitCode {
    OK(0, "success"),
    FAILURE(1, "the operation failed (a service answered an error, a check did not pass, an unexpected error)"),
    USAGE(
            2,
            "bad usage or bad configuration: unknown option, invalid value, broken cva.yaml, a confirmation no one can give (no terminal, no --yes)"),
    PARTIAL(3, "partial success: some items succeeded and some failed; the output says which"),
    NOTHING_TO_DO(
            4,
            "nothing to do: no change to release, no message to replay, already up to date, a confirmation answered no"),
    VERIFICATION_FAILED(5, "verification failed: a signature, contract or health check did not verify"),
    INTERRUPTED(130, "interrupted by Ctrl-C");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
