package dev.cva.cli.secrets;

import java.util.Optional;

/**
 * The notifier's side of the webhook secret: AWS Secrets Manager, whose {@code AWSCURRENT} version the notifier and its
 * redrive sign with. {@link #put} adds a version and moves {@code AWSCURRENT} to it ({@code AWSPREVIOUS} keeps the old
 * one, restorable); nothing is overwritten. Errors become {@link dev.cva.cli.CvaException}s without values.
 */
public interface NotifierSecretStore {
    /** Where it lives, for messages: the secret's name or ARN. */
    String name();

    /** The {@code AWSCURRENT} version. */
    StoredVersion current();

    /** The {@code AWSPREVIOUS} version, if any. */
    Optional<StoredVersion> previous();

    /** The value of one version. */
    String value(String versionId);

    /**
     * Adds {@code value} as the new current version. {@code idempotencyToken} (32 to 64 characters) makes a repeat of
     * the same call a no-op, as Secrets Manager's {@code ClientRequestToken} does. Returns the version id.
     */
    String put(String value, String idempotencyToken);
}
