package dev.cva.receiver;

/** A valid body holds a value the store cannot represent; answered 400, the sender must not retry. */
public final class UnstorableException extends RuntimeException {
    private final String path;

    public UnstorableException(String path, String message) {
        super(message);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
