package dev.cva.receiver;

/** The store could not be reached or did not answer in time; answered 503 so the sender retries. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
