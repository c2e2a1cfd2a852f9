package dev.cva.cli.secrets;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.config.Settings;
import dev.cva.cli.env.Environments;
import dev.cva.cli.options.DurationConverter;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.cli.webhook.ReceiverEndpoints;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The webhook secret's two stores for the selected environment. On {@code local}: the running stack's Secret Manager
 * stand-in (part {@code secretmanager} of {@code .cva/local/state.json}) and moto's Secrets Manager with the stack's
 * administrator keys. Elsewhere: Secret Manager in {@code gcp.project} (Application Default Credentials; or plaintext
 * gRPC to {@value #SECRET_MANAGER_ENDPOINT}) and Secrets Manager in {@code aws.region} (the default chain, which honours
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}). The names are {@code gcp.webhookSecretName} and {@code aws.webhookSecretName}.
 */
public final class SecretsEnvironment implements AutoCloseable {
    public static final String SECRET_MANAGER_ENDPOINT = "CVA_GCP_SECRET_MANAGER_ENDPOINT";
    /** The local stack's part that serves the Secret Manager stand-in. */
    public static final String LOCAL_PART = "secretmanager";

    private final GcpSecretManagerStore receiver;
    private final SecretsManagerClient aws;
    private final AwsSecretsManagerStore notifier;

    private SecretsEnvironment(GcpSecretManagerStore receiver, SecretsManagerClient aws, String awsName) {
        this.receiver = receiver;
        this.aws = aws;
        this.notifier = new AwsSecretsManagerStore(aws, awsName);
    }

    public static SecretsEnvironment open(CvaContext ctx) {
        Settings s = ctx.settings();
        String gcpName = s.require("gcp.webhookSecretName");
        String awsName = s.require("aws.webhookSecretName");
        String project = s.require("gcp.project");
        String region = s.require("aws.region");
        if (Environments.isLocal(ctx.environmentName())) {
            LocalState state = LocalState.require(ctx);
            String sm = state.url(LOCAL_PART);
            String moto = state.url("dynamodb");
            if (sm == null || sm.isBlank() || moto == null) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "the local stack lists no " + LOCAL_PART + " part",
                        "restart it with this version of cva: 'cva local down' then 'cva local up'");
            }
            SecretsManagerClient client = SecretsManagerClient.builder()
                    .endpointOverride(URI.create(moto))
                    .region(Region.of(region))
                    .credentialsProvider(
                            LocalCredentials.read(ctx.projectRoot()).provider())
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
            return new SecretsEnvironment(
                    GcpSecretManagerStore.create(
                            project, gcpName, URI.create(sm).getAuthority()),
                    client,
                    awsName);
        }
        SecretsManagerClient client = SecretsManagerClient.builder()
                .region(Region.of(region))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        return new SecretsEnvironment(
                GcpSecretManagerStore.create(project, gcpName, ctx.env().get(SECRET_MANAGER_ENDPOINT)),
                client,
                awsName);
    }

    public ReceiverSecretStore receiver() {
        return receiver;
    }

    public NotifierSecretStore notifier() {
        return notifier;
    }

    /** The receiver's URL as {@code cva webhook send} finds it (flag, variable, the local stack, cva.yaml). */
    public static URI receiverUrl(CvaContext ctx, String flag) {
        return ReceiverEndpoints.defaults().resolve(ctx, flag);
    }

    /** {@code secrets.maxAgeDays} of the environment (90 by default). */
    public static int maxAgeDays(CvaContext ctx) {
        return Integer.parseInt(ctx.settings().require("secrets.maxAgeDays").strip());
    }

    /** {@code secrets.overlap}, or {@code flag}. */
    public static Duration overlap(CvaContext ctx, Duration flag) {
        if (flag != null) {
            return flag;
        }
        try {
            return DurationConverter.parse(ctx.settings().require("secrets.overlap"));
        } catch (picocli.CommandLine.TypeConversionException e) {
            throw CvaException.usage("secrets.overlap: " + e.getMessage(), null);
        }
    }

    /** {@code secrets.refreshSeconds}: how often the receiver and the notifier re-read their secrets. */
    public static Duration refresh(CvaContext ctx) {
        return Duration.ofSeconds(Integer.parseInt(
                ctx.settings().require("secrets.refreshSeconds").strip()));
    }

    @Override
    public void close() {
        receiver.close();
        aws.close();
    }
}
