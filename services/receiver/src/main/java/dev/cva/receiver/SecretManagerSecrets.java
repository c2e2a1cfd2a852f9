package dev.cva.receiver;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.secretmanager.v1.ListSecretVersionsRequest;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceSettings;
import com.google.cloud.secretmanager.v1.SecretVersion;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.contracts.webhook.WebhookSecret;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The receiver's webhook secrets read from Secret Manager rather than from variables fixed at an instance's start: the
 * newest two <em>enabled</em> versions of {@code WEBHOOK_SECRET_RESOURCE} ({@code projects/P/secrets/S}), current
 * first, re-read at most once every {@code WEBHOOK_SECRET_REFRESH_SECONDS} (30). So {@code cva secrets rotate} adds a
 * version and every live instance of every revision accepts it within that time, and disabling the old version retires
 * it just as fast, with no new revision. A read that fails keeps the last good secrets (and logs, never a value).
 * {@code SECRET_MANAGER_EMULATOR_HOST} ({@code host:port}) points the client at a stand-in over plaintext gRPC.
 * Needs {@code secretmanager.versions.list} and {@code .access} on the secret.
 */
public final class SecretManagerSecrets implements Supplier<List<WebhookSecret>>, AutoCloseable {
    public static final String RESOURCE = "WEBHOOK_SECRET_RESOURCE";
    public static final String REFRESH = "WEBHOOK_SECRET_REFRESH_SECONDS";
    public static final String EMULATOR_HOST = "SECRET_MANAGER_EMULATOR_HOST";
    static final int ACCEPTED_VERSIONS = 2;

    private final SecretManagerServiceClient client;
    private final String resource;
    private final Duration refresh;
    private final Clock clock;
    private final JsonLog log;
    private volatile List<WebhookSecret> secrets;
    private volatile Instant readAt;

    SecretManagerSecrets(
            SecretManagerServiceClient client, String resource, Duration refresh, Clock clock, JsonLog log) {
        this.client = client;
        this.resource = resource;
        this.refresh = refresh;
        this.clock = clock;
        this.log = log;
        this.secrets = read(); // the first read fails the start, clearly
        this.readAt = clock.instant();
    }

    /** From the environment: the resource, refresh and (optionally) the stand-in's host. */
    public static SecretManagerSecrets fromEnv(java.util.Map<String, String> env, Clock clock, JsonLog log) {
        String resource = env.get(RESOURCE).strip();
        Duration refresh = Duration.ofSeconds(30);
        String r = env.get(REFRESH);
        if (r != null && !r.isBlank()) {
            try {
                refresh = Duration.ofSeconds(Math.max(1, Long.parseLong(r.strip())));
            } catch (NumberFormatException e) {
                throw new ConfigException(List.of(REFRESH + " must be a whole number of seconds, got '" + r + "'"));
            }
        }
        try {
            SecretManagerServiceSettings.Builder b = SecretManagerServiceSettings.newBuilder();
            String host = env.get(EMULATOR_HOST);
            if (host != null && !host.isBlank()) {
                b.setEndpoint(host.strip())
                        .setCredentialsProvider(NoCredentialsProvider.create())
                        .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
                                .setEndpoint(host.strip())
                                .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                                .build());
            }
            return new SecretManagerSecrets(
                    SecretManagerServiceClient.create(b.build()), resource, refresh, clock, log);
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot create the Secret Manager client: " + e.getMessage()));
        }
    }

    @Override
    public List<WebhookSecret> get() {
        Instant now = clock.instant();
        if (Duration.between(readAt, now).compareTo(refresh) >= 0) {
            synchronized (this) {
                if (Duration.between(readAt, now).compareTo(refresh) >= 0) {
                    readAt = now;
                    try {
                        List<WebhookSecret> read = read();
                        if (!read.equals(secrets)) {
                            log.info(
                                    "webhook secrets changed",
                                    "accepted",
                                    read.stream()
                                            .map(WebhookSecret::fingerprint)
                                            .toList());
                            secrets = read;
                        }
                    } catch (RuntimeException e) {
                        log.warn("webhook secrets not re-read; keeping the last ones", "reason", e.getMessage());
                    }
                }
            }
        }
        return secrets;
    }

    private List<WebhookSecret> read() {
        try {
            List<SecretVersion> enabled = new ArrayList<>();
            for (SecretVersion v : client.listSecretVersions(ListSecretVersionsRequest.newBuilder()
                            .setParent(resource)
                            .setFilter("state:ENABLED")
                            .build())
                    .iterateAll()) {
                if (v.getState() == SecretVersion.State.ENABLED) {
                    enabled.add(v);
                }
            }
            // newest first: by creation time, then by version number
            enabled.sort((a, b) -> {
                int byTime = Long.compare(
                        b.getCreateTime().getSeconds() * 1_000_000_000L
                                + b.getCreateTime().getNanos(),
                        a.getCreateTime().getSeconds() * 1_000_000_000L
                                + a.getCreateTime().getNanos());
                return byTime != 0 ? byTime : Long.compare(number(b), number(a));
            });
            List<WebhookSecret> out = new ArrayList<>();
            for (SecretVersion v : enabled.subList(0, Math.min(ACCEPTED_VERSIONS, enabled.size()))) {
                String value = client.accessSecretVersion(v.getName())
                        .getPayload()
                        .getData()
                        .toString(StandardCharsets.UTF_8);
                out.add(WebhookSecret.parse(value.strip()));
            }
            if (out.isEmpty()) {
                throw new IllegalStateException(resource + " has no enabled version");
            }
            return List.copyOf(out);
        } catch (ApiException e) {
            throw new IllegalStateException("cannot read " + resource + " from Secret Manager: "
                    + e.getStatusCode().getCode());
        }
    }

    private static long number(SecretVersion v) {
        String n = v.getName().substring(v.getName().lastIndexOf('/') + 1);
        try {
            return Long.parseLong(n);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
