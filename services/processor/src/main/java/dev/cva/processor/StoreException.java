package dev.cva.processor;

/** A store call failed (throttled, unavailable, rejected); the message should be retried by its queue. */
public class StoreException extends RuntimeException {
    private final String code;

    public StoreException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** A short machine-readable cause such as {@code ProvisionedThroughputExceededException}. */
    public String code() {
        return code;
    }
}
