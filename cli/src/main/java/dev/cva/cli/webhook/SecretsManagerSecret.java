package dev.cva.cli.webhook;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * An environment's webhook secret read from AWS Secrets Manager by the name the notifier's Terraform gives it
 * ({@code aws.webhookSecretName}), as the notifier reads it: the secret's string value, {@code whsec_…}. The client
 * takes its credentials from the default chain and honours {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}. Messages name
 * the secret and the AWS error code, never the value. Needs {@code secretsmanager:GetSecretValue} on the secret.
 */
final class SecretsManagerSecret {
    private SecretsManagerSecret() {}

    static String read(String name, String region) {
        try (SecretsManagerClient client = SecretsManagerClient.builder()
                .region(Region.of(region))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            String value = client.getSecretValue(b -> b.secretId(name)).secretString();
            if (value == null || value.isBlank()) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "secret " + name + " in Secrets Manager (" + region + ") has no string value",
                        "put the whsec_… value in it, as the notifier expects");
            }
            return value.strip();
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null
                    ? String.valueOf(e.statusCode())
                    : e.awsErrorDetails().errorCode();
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot read the webhook secret " + name + " from Secrets Manager (" + region + "): " + code,
                    HINT);
        } catch (SdkException e) {
            // client-side: no credentials, no network; the message cannot hold the secret (it was never read)
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot reach Secrets Manager (" + region + ") for the webhook secret " + name + ": "
                            + e.getMessage(),
                    HINT);
        }
    }

    static final String HINT = "check the AWS credentials (secretsmanager:GetSecretValue on the secret), "
            + "or give the secret with CVA_WEBHOOK_SECRET, --secret-env NAME or --secret-file FILE";
}
