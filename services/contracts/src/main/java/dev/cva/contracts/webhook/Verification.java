package dev.cva.contracts.webhook;

/** The outcome of checking a request's signature. */
public sealed interface Verification {

    /** Signed by one of the configured secrets; {@code secretIndex} 0 is the current one, 1 the previous. */
    record Verified(Scheme scheme, int secretIndex, String messageId, long timestamp) implements Verification {}

    record Rejected(Reason reason, String detail) implements Verification {}

    enum Reason {
        MISSING_SIGNATURE,
        MALFORMED_HEADER,
        BAD_SIGNATURE,
        STALE_TIMESTAMP,
        FUTURE_TIMESTAMP,
        LEGACY_REFUSED
    }

    default boolean verified() {
        return this instanceof Verified;
    }
}
