package dev.cva.notifier.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads the webhook secret from AWS Secrets Manager, once per cold start (the value is cached in the handler's
 * configuration). Errors name the ARN and the AWS error code, never the value.
 */
public final class SecretsManagerSecrets {
    private final SecretsManagerClient client;

    public SecretsManagerSecrets(SecretsManagerClient client) {
        this.client = client;
    }

    /** For the Lambda runtime: a client from the default chain (region and endpoint from the environment). */
    public static String readOnce(String arn) {
        try (SecretsManagerClient client = SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            return new SecretsManagerSecrets(client).read(arn);
        }
    }

    public String read(String arn) {
        try {
            String value = client.getSecretValue(b -> b.secretId(arn)).secretString();
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("secret " + arn + " has no string value; put the whsec_… value in it");
            }
            return value.strip();
        } catch (AwsServiceException e) {
            throw new IllegalStateException(
                    "cannot read secret " + arn + ": "
                            + (e.awsErrorDetails() == null
                                    ? e.statusCode()
                                    : e.awsErrorDetails().errorCode()),
                    null);
        } catch (SdkException e) {
            throw new IllegalStateException(
                    "cannot reach Secrets Manager for " + arn + ": "
                            + e.getClass().getSimpleName(),
                    null);
        }
    }
}
