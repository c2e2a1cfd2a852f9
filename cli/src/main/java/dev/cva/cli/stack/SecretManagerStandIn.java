package dev.cva.cli.stack;

import com.google.cloud.secretmanager.v1.AccessSecretVersionRequest;
import com.google.cloud.secretmanager.v1.AccessSecretVersionResponse;
import com.google.cloud.secretmanager.v1.AddSecretVersionRequest;
import com.google.cloud.secretmanager.v1.CreateSecretRequest;
import com.google.cloud.secretmanager.v1.DisableSecretVersionRequest;
import com.google.cloud.secretmanager.v1.EnableSecretVersionRequest;
import com.google.cloud.secretmanager.v1.GetSecretRequest;
import com.google.cloud.secretmanager.v1.GetSecretVersionRequest;
import com.google.cloud.secretmanager.v1.ListSecretVersionsRequest;
import com.google.cloud.secretmanager.v1.ListSecretVersionsResponse;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * The local stand-in of GCP Secret Manager: the v1 {@code SecretManagerService} gRPC API, served on 127.0.0.1 and
 * reached by Google's real {@code SecretManagerServiceClient} (plaintext, no credentials), as the deploy tests reach
 * their Functions and Cloud Run fakes. It keeps secrets and their numbered versions in memory: versions are added,
 * never overwritten; {@code latest} is the newest enabled version; a disabled version cannot be read until enabled
 * again; lists are newest first and honour the filter {@code state:ENABLED}. A method named in {@link #deny} answers
 * {@code PERMISSION_DENIED}, as Secret Manager does to a caller without the role.
 *
 * <p>The generated {@code *ImplBase} is not on the class path (its jar is not published with the client), so the
 * methods are described here by name with the client's own protobuf messages.
 */
public final class SecretManagerStandIn implements BindableService, AutoCloseable {
    private static final String SERVICE = "google.cloud.secretmanager.v1.SecretManagerService";

    private record Version(int number, byte[] data, Instant created, boolean enabled) {}

    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
    private final Map<String, List<Version>> versions = new ConcurrentHashMap<>();
    /** Methods (e.g. {@code AddSecretVersion}) answered with PERMISSION_DENIED. */
    public final Set<String> deny = ConcurrentHashMap.newKeySet();

    private final Clock clock;
    private Server server;

    public SecretManagerStandIn(Clock clock) {
        this.clock = clock;
    }

    /** Serves the API on a free port (or {@code port}) of 127.0.0.1. */
    public SecretManagerStandIn start(int port) {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                    .addService(this)
                    .build()
                    .start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Secret Manager stand-in", e);
        }
    }

    /** {@code 127.0.0.1:PORT}, the endpoint the client is given. */
    public String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    public int port() {
        return server.getPort();
    }

    /** Creates {@code projects/P/secrets/S} with one version holding {@code value} (the stack's first secret). */
    public void seed(String project, String secretId, String value) {
        String name = "projects/" + project + "/secrets/" + secretId;
        secrets.putIfAbsent(
                name, Secret.newBuilder().setName(name).setCreateTime(now()).build());
        List<Version> list = versions.computeIfAbsent(name, k -> new ArrayList<>());
        synchronized (list) {
            if (list.isEmpty()) {
                list.add(
                        new Version(1, value.getBytes(java.nio.charset.StandardCharsets.UTF_8), clock.instant(), true));
            }
        }
    }

    /** How many versions {@code projects/P/secrets/S} has, in any state (0 when it does not exist). */
    public int versionCount(String project, String secretId) {
        List<Version> list = versions.get("projects/" + project + "/secrets/" + secretId);
        if (list == null) {
            return 0;
        }
        synchronized (list) {
            return list.size();
        }
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(
                        method("GetSecret", GetSecretRequest.getDefaultInstance(), Secret.getDefaultInstance()),
                        unary("GetSecret", (GetSecretRequest r) -> secret(r.getName())))
                .addMethod(
                        method("CreateSecret", CreateSecretRequest.getDefaultInstance(), Secret.getDefaultInstance()),
                        unary("CreateSecret", this::create))
                .addMethod(
                        method(
                                "AddSecretVersion",
                                AddSecretVersionRequest.getDefaultInstance(),
                                SecretVersion.getDefaultInstance()),
                        unary("AddSecretVersion", this::add))
                .addMethod(
                        method(
                                "GetSecretVersion",
                                GetSecretVersionRequest.getDefaultInstance(),
                                SecretVersion.getDefaultInstance()),
                        unary("GetSecretVersion", (GetSecretVersionRequest r) -> describe(r.getName())))
                .addMethod(
                        method(
                                "AccessSecretVersion",
                                AccessSecretVersionRequest.getDefaultInstance(),
                                AccessSecretVersionResponse.getDefaultInstance()),
                        unary("AccessSecretVersion", this::access))
                .addMethod(
                        method(
                                "ListSecretVersions",
                                ListSecretVersionsRequest.getDefaultInstance(),
                                ListSecretVersionsResponse.getDefaultInstance()),
                        unary("ListSecretVersions", this::list))
                .addMethod(
                        method(
                                "DisableSecretVersion",
                                DisableSecretVersionRequest.getDefaultInstance(),
                                SecretVersion.getDefaultInstance()),
                        unary(
                                "DisableSecretVersion",
                                (DisableSecretVersionRequest r) -> setEnabled(r.getName(), false)))
                .addMethod(
                        method(
                                "EnableSecretVersion",
                                EnableSecretVersionRequest.getDefaultInstance(),
                                SecretVersion.getDefaultInstance()),
                        unary("EnableSecretVersion", (EnableSecretVersionRequest r) -> setEnabled(r.getName(), true)))
                .build();
    }

    private Secret secret(String name) {
        Secret s = secrets.get(name);
        if (s == null) {
            throw Status.NOT_FOUND
                    .withDescription("Secret [" + name + "] not found.")
                    .asRuntimeException();
        }
        return s;
    }

    private Secret create(CreateSecretRequest r) {
        String name = r.getParent() + "/secrets/" + r.getSecretId();
        Secret s = r.getSecret().toBuilder().setName(name).setCreateTime(now()).build();
        if (secrets.putIfAbsent(name, s) != null) {
            throw Status.ALREADY_EXISTS
                    .withDescription("Secret [" + name + "] already exists.")
                    .asRuntimeException();
        }
        versions.put(name, new ArrayList<>());
        return s;
    }

    private SecretVersion add(AddSecretVersionRequest r) {
        secret(r.getParent());
        List<Version> list = versions.get(r.getParent());
        synchronized (list) {
            Version v = new Version(list.size() + 1, r.getPayload().getData().toByteArray(), clock.instant(), true);
            list.add(v);
            return proto(r.getParent(), v);
        }
    }

    private AccessSecretVersionResponse access(AccessSecretVersionRequest r) {
        String parent = parentOf(r.getName());
        Version v = find(r.getName());
        if (!v.enabled()) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("SecretVersion [" + r.getName() + "] is in DISABLED state.")
                    .asRuntimeException();
        }
        CRC32C crc = new CRC32C();
        crc.update(v.data());
        return AccessSecretVersionResponse.newBuilder()
                .setName(parent + "/versions/" + v.number())
                .setPayload(SecretPayload.newBuilder()
                        .setData(com.google.protobuf.ByteString.copyFrom(v.data()))
                        .setDataCrc32C(crc.getValue()))
                .build();
    }

    private ListSecretVersionsResponse list(ListSecretVersionsRequest r) {
        secret(r.getParent());
        boolean enabledOnly = r.getFilter().replace(" ", "").equalsIgnoreCase("state:ENABLED");
        List<Version> list = versions.get(r.getParent());
        List<Version> copy;
        synchronized (list) {
            copy = new ArrayList<>(list);
        }
        copy.sort(Comparator.comparingInt(Version::number).reversed());
        var out = ListSecretVersionsResponse.newBuilder();
        copy.stream().filter(v -> !enabledOnly || v.enabled()).forEach(v -> out.addVersions(proto(r.getParent(), v)));
        return out.setTotalSize(out.getVersionsCount()).build();
    }

    private SecretVersion describe(String name) {
        return proto(parentOf(name), find(name));
    }

    private SecretVersion setEnabled(String name, boolean enabled) {
        String parent = parentOf(name);
        Version v = find(name);
        List<Version> list = versions.get(parent);
        synchronized (list) {
            Version changed = new Version(v.number(), v.data(), v.created(), enabled);
            list.set(v.number() - 1, changed);
            return proto(parent, changed);
        }
    }

    private Version find(String name) {
        String parent = parentOf(name);
        String id = name.substring(name.lastIndexOf('/') + 1);
        secret(parent);
        List<Version> list = versions.get(parent);
        synchronized (list) {
            if (id.equals("latest")) {
                for (int i = list.size() - 1; i >= 0; i--) {
                    if (list.get(i).enabled()) {
                        return list.get(i);
                    }
                }
            } else if (id.matches("\\d{1,9}") && Integer.parseInt(id) >= 1 && Integer.parseInt(id) <= list.size()) {
                return list.get(Integer.parseInt(id) - 1);
            }
        }
        throw Status.NOT_FOUND
                .withDescription("Secret Version [" + name + "] not found.")
                .asRuntimeException();
    }

    private static String parentOf(String versionName) {
        int i = versionName.indexOf("/versions/");
        if (i < 0) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("not a version name: " + versionName)
                    .asRuntimeException();
        }
        return versionName.substring(0, i);
    }

    private static SecretVersion proto(String parent, Version v) {
        return SecretVersion.newBuilder()
                .setName(parent + "/versions/" + v.number())
                .setCreateTime(Timestamp.newBuilder()
                        .setSeconds(v.created().getEpochSecond())
                        .setNanos(v.created().getNano()))
                .setState(v.enabled() ? SecretVersion.State.ENABLED : SecretVersion.State.DISABLED)
                .build();
    }

    private Timestamp now() {
        Instant t = clock.instant();
        return Timestamp.newBuilder()
                .setSeconds(t.getEpochSecond())
                .setNanos(t.getNano())
                .build();
    }

    private static <Q extends Message, A extends Message> MethodDescriptor<Q, A> method(
            String name, Q request, A response) {
        return MethodDescriptor.<Q, A>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response))
                .build();
    }

    private <Q, A> io.grpc.ServerCallHandler<Q, A> unary(String name, Function<Q, A> body) {
        return ServerCalls.asyncUnaryCall((Q request, StreamObserver<A> answer) -> {
            try {
                if (deny.contains(name)) {
                    throw Status.PERMISSION_DENIED
                            .withDescription("Permission denied on resource (or it may not exist): " + name)
                            .asRuntimeException();
                }
                answer.onNext(body.apply(request));
                answer.onCompleted();
            } catch (io.grpc.StatusRuntimeException e) {
                answer.onError(e);
            } catch (RuntimeException e) {
                answer.onError(Status.INTERNAL
                        .withDescription(e.getClass().getSimpleName())
                        .asRuntimeException());
            }
        });
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdownNow();
        }
    }
}
