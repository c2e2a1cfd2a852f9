package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.env.Environments;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * On {@code local} with the stack running: the webhook secret the notifier signs with, from the stack's moto Secrets
 * Manager (its ARN is the resource {@code webhookSecretArn} of the state file), with the stack's administrator keys.
 * Empty when the environment is not local, no stack runs, or it is a stack from before the secret managers.
 */
public final class LocalStackSecret {
    private LocalStackSecret() {}

    public static Optional<String> read(CvaContext ctx) {
        if (!Environments.isLocal(ctx.environmentName())) {
            return Optional.empty();
        }
        Optional<LocalState> state = LocalState.read(ctx).filter(s -> s.ready() && s.supervisorAlive());
        if (state.isEmpty()
                || state.get().resource("webhookSecretArn") == null
                || state.get().url("dynamodb") == null) {
            return Optional.empty();
        }
        LocalState s = state.get();
        String arn = s.resource("webhookSecretArn");
        try (SecretsManagerClient client = SecretsManagerClient.builder()
                .endpointOverride(URI.create(s.url("dynamodb")))
                .region(Region.of(s.resource("region")))
                .credentialsProvider(LocalCredentials.read(ctx.projectRoot()).provider())
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            ctx.debug("webhook secret: " + arn + " from the local stack's Secrets Manager");
            return Optional.ofNullable(
                            client.getSecretValue(b -> b.secretId(arn)).secretString())
                    .map(String::strip);
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot read the webhook secret from the local stack's Secrets Manager: "
                            + e.getClass().getSimpleName(),
                    "see 'cva local status'");
        }
    }
}
