package dev.cva.cli.secrets;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceSettings;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.protobuf.ByteString;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link ReceiverSecretStore} on GCP Secret Manager through Google's {@code SecretManagerServiceClient}: Application
 * Default Credentials and Google's endpoint, or plaintext gRPC to {@code endpoint} (the local stack's stand-in) without
 * credentials. Needs {@code secretmanager.versions.list}, {@code .access}, {@code .add} and {@code .disable} on the
 * secret (roles/secretmanager.admin, or secretAccessor plus secretVersionManager).
 */
public final class GcpSecretManagerStore implements ReceiverSecretStore, AutoCloseable {
    private final SecretManagerServiceClient client;
    private final String secret;

    GcpSecretManagerStore(SecretManagerServiceClient client, String project, String secretId) {
        this.client = client;
        this.secret = "projects/" + project + "/secrets/" + secretId;
    }

    public static GcpSecretManagerStore create(String project, String secretId, String endpoint) {
        try {
            SecretManagerServiceSettings.Builder b = SecretManagerServiceSettings.newBuilder();
            if (endpoint != null && !endpoint.isBlank()) {
                b.setEndpoint(endpoint)
                        .setCredentialsProvider(NoCredentialsProvider.create())
                        .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
                                .setEndpoint(endpoint)
                                .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                                .build());
            }
            return new GcpSecretManagerStore(SecretManagerServiceClient.create(b.build()), project, secretId);
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot create the Secret Manager client: " + e.getMessage(),
                    "run 'gcloud auth application-default login'",
                    e);
        }
    }

    @Override
    public String name() {
        return secret;
    }

    @Override
    public List<StoredVersion> enabled() {
        return call("list the versions of", () -> {
            List<StoredVersion> out = new ArrayList<>();
            for (SecretVersion v : client.listSecretVersions(
                            com.google.cloud.secretmanager.v1.ListSecretVersionsRequest.newBuilder()
                                    .setParent(secret)
                                    .setFilter("state:ENABLED")
                                    .build())
                    .iterateAll()) {
                if (v.getState() == SecretVersion.State.ENABLED) {
                    out.add(new StoredVersion(
                            id(v.getName()),
                            Instant.ofEpochSecond(
                                    v.getCreateTime().getSeconds(),
                                    v.getCreateTime().getNanos())));
                }
            }
            // newest first (the API lists so; a number breaks ties in the same instant)
            out.sort(Comparator.comparing(StoredVersion::created)
                    .thenComparing(s -> Long.parseLong(s.id()))
                    .reversed());
            return out;
        });
    }

    @Override
    public String value(String versionId) {
        return call(
                "read version " + versionId + " of",
                () -> client.accessSecretVersion(secret + "/versions/" + versionId)
                        .getPayload()
                        .getData()
                        .toString(StandardCharsets.UTF_8)
                        .strip());
    }

    @Override
    public String add(String value) {
        return call(
                "add a version to",
                () -> id(client.addSecretVersion(
                                secret,
                                SecretPayload.newBuilder()
                                        .setData(ByteString.copyFromUtf8(value))
                                        .build())
                        .getName()));
    }

    @Override
    public void disable(String versionId) {
        call(
                "disable version " + versionId + " of",
                () -> client.disableSecretVersion(
                        com.google.cloud.secretmanager.v1.DisableSecretVersionRequest.newBuilder()
                                .setName(secret + "/versions/" + versionId)
                                .build()));
    }

    private static String id(String versionName) {
        return versionName.substring(versionName.lastIndexOf('/') + 1);
    }

    /** The SDK's errors as one message naming the secret and the gRPC status, never a value. */
    private <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (ApiException e) {
            String code = e.getStatusCode().getCode().name();
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot " + what + " " + secret + " in Secret Manager: " + code,
                    code.equals("PERMISSION_DENIED") || code.equals("UNAUTHENTICATED")
                            ? "the caller needs roles/secretmanager.admin on the secret (or secretAccessor and secretVersionManager)"
                            : null);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
