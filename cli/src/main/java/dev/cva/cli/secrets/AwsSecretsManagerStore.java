package dev.cva.cli.secrets;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;

/**
 * {@link NotifierSecretStore} on AWS Secrets Manager (the client is given: the default chain in prod, the local stack's
 * administrator keys and moto's endpoint locally). Needs {@code secretsmanager:ListSecretVersionIds},
 * {@code GetSecretValue} and {@code PutSecretValue} on the secret.
 */
public final class AwsSecretsManagerStore implements NotifierSecretStore {
    static final String CURRENT = "AWSCURRENT";
    static final String PREVIOUS = "AWSPREVIOUS";

    private final SecretsManagerClient client;
    private final String secret;

    public AwsSecretsManagerStore(SecretsManagerClient client, String secret) {
        this.client = client;
        this.secret = secret;
    }

    @Override
    public String name() {
        return secret;
    }

    @Override
    public StoredVersion current() {
        return staged(CURRENT)
                .orElseThrow(() -> new CvaException(
                        ExitCode.FAILURE,
                        "secret " + secret + " in Secrets Manager has no " + CURRENT + " version",
                        "put the whsec_… value in it"));
    }

    @Override
    public Optional<StoredVersion> previous() {
        return staged(PREVIOUS);
    }

    private Optional<StoredVersion> staged(String stage) {
        return call(
                "list the versions of",
                () -> client.listSecretVersionIdsPaginator(b -> b.secretId(secret)).stream()
                        .flatMap(page -> page.versions().stream())
                        .filter(v -> v.versionStages().contains(stage))
                        .findFirst()
                        .map(AwsSecretsManagerStore::version));
    }

    private static StoredVersion version(SecretVersionsListEntry v) {
        return new StoredVersion(v.versionId(), v.createdDate());
    }

    @Override
    public String value(String versionId) {
        return call("read version " + versionId + " of", () -> {
            String v = client.getSecretValue(b -> b.secretId(secret).versionId(versionId))
                    .secretString();
            return v == null ? "" : v.strip();
        });
    }

    @Override
    public String put(String value, String idempotencyToken) {
        return call(
                "put a new version into",
                () -> client.putSecretValue(
                                b -> b.secretId(secret).secretString(value).clientRequestToken(idempotencyToken))
                        .versionId());
    }

    /** The SDK's errors as one message naming the secret and the AWS error code, never a value. */
    private <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null
                    ? String.valueOf(e.statusCode())
                    : e.awsErrorDetails().errorCode();
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot " + what + " " + secret + " in Secrets Manager: " + code,
                    code.contains("AccessDenied")
                            ? "the caller needs secretsmanager:ListSecretVersionIds, GetSecretValue and PutSecretValue on it"
                            : null);
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot reach Secrets Manager for " + secret + ": "
                            + e.getClass().getSimpleName(),
                    "check the AWS credentials and region");
        }
    }
}
