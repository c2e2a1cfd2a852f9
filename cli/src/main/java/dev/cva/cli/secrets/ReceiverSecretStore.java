package dev.cva.cli.secrets;

import java.util.List;

/**
 * The receiver's side of the webhook secret: GCP Secret Manager (a secret whose enabled versions the receiver
 * accepts, newest first). Versions are added and disabled, never overwritten or destroyed here, so a retired one can
 * be enabled again. Implementations translate their SDK's errors into {@link dev.cva.cli.CvaException}s that name the
 * secret and the error code, never a value.
 */
public interface ReceiverSecretStore {
    /** Where it lives, for messages: {@code projects/P/secrets/S}. */
    String name();

    /** The enabled versions, newest first. */
    List<StoredVersion> enabled();

    /** The value of one version. */
    String value(String versionId);

    /** Adds a version holding {@code value}; returns its id. */
    String add(String value);

    /** Disables one version (it can be enabled again until someone destroys it). */
    void disable(String versionId);
}
