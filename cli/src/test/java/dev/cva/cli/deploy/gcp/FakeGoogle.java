package dev.cva.cli.deploy.gcp;

import com.google.cloud.functions.v2.CreateFunctionRequest;
import com.google.cloud.functions.v2.Function;
import com.google.cloud.functions.v2.FunctionServiceGrpc;
import com.google.cloud.functions.v2.GenerateUploadUrlRequest;
import com.google.cloud.functions.v2.GenerateUploadUrlResponse;
import com.google.cloud.functions.v2.GetFunctionRequest;
import com.google.cloud.functions.v2.OperationMetadata;
import com.google.cloud.functions.v2.StorageSource;
import com.google.cloud.functions.v2.UpdateFunctionRequest;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.GetRevisionRequest;
import com.google.cloud.run.v2.GetServiceRequest;
import com.google.cloud.run.v2.ListRevisionsRequest;
import com.google.cloud.run.v2.ListRevisionsResponse;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.RevisionsGrpc;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesGrpc;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.longrunning.Operation;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.sun.net.httpserver.HttpServer;
import dev.cva.contracts.webhook.Verification;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookVerifier;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-process fakes of the Cloud Functions v2 and Cloud Run v2 control planes (the generated {@code *ImplBase}s, as
 * Google's own client tests do), plus a local HTTP server that takes the source upload and answers as each
 * revision's tagged URL: {@code /rev/<revision>/healthz} (503 for revisions marked unhealthy) and signed webhooks,
 * checked as the receiver checks them (the contract's {@link WebhookVerifier}, Standard Webhooks only): 200 when the
 * signature holds for the receiver's secret, 401 otherwise.
 * A function's new revision carries its service config's variables, and a "latest" traffic target follows it,
 * as on Cloud Run.
 */
public final class FakeGoogle implements AutoCloseable {
    final String name = InProcessServerBuilder.generateName();
    final Map<String, byte[]> uploads = new ConcurrentHashMap<>();
    /** Each webhook a revision was sent: {@code <revision> <webhook-signature> <verification>}. */
    final List<String> webhookSignatures = new CopyOnWriteArrayList<>();

    final Set<String> unhealthy = ConcurrentHashMap.newKeySet();
    volatile boolean nextUnhealthy;
    /** Every CreateFunction and UpdateFunction request, as sent. */
    public final List<Message> functionRequests = new CopyOnWriteArrayList<>();
    /** The traffic of every UpdateService request, as sent (see {@link #describe}). */
    public final List<String> trafficUpdates = new CopyOnWriteArrayList<>();
    /** Every UpdateService request, as sent. */
    final List<UpdateServiceRequest> serviceRequests = new CopyOnWriteArrayList<>();

    public volatile Function function;
    volatile Service service;
    final List<Revision> revisions = new CopyOnWriteArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final Server server;
    private final HttpServer http;
    private final WebhookVerifier verifier;

    /** {@code secret}: the one the deployed receiver holds; webhooks signed with any other are refused. */
    public FakeGoogle(WebhookSecret secret) throws IOException {
        verifier = new WebhookVerifier(List.of(secret), false, Clock.systemUTC());
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/upload/", ex -> {
            uploads.put(ex.getRequestURI().getPath(), ex.getRequestBody().readAllBytes());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        http.createContext("/rev/", ex -> {
            String[] parts = ex.getRequestURI().getPath().split("/");
            String rev = parts[2];
            int code;
            if (parts.length > 3 && parts[3].equals("healthz")) {
                code = unhealthy.contains(rev) ? 503 : 200;
            } else {
                byte[] body = ex.getRequestBody().readAllBytes();
                Verification v = verifier.verify(ex.getRequestHeaders(), body);
                webhookSignatures.add(rev + " " + ex.getRequestHeaders().getFirst("webhook-signature") + " "
                        + (v instanceof Verification.Rejected r ? "rejected:" + r.reason() : "verified"));
                code = v instanceof Verification.Verified ? 200 : 401;
            }
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        http.start();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(new Functions())
                .addService(new Services())
                .addService(new Revisions())
                .build()
                .start();
    }

    public ManagedChannel channel() {
        return InProcessChannelBuilder.forName(name)
                .directExecutor()
                .usePlaintext()
                .build();
    }

    String base() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** The service's traffic as Cloud Run holds it: {@code revision=percent[#tag] …}, "LATEST" for a latest target. */
    public String servedTraffic() {
        return describe(service.getTrafficList());
    }

    static String describe(List<TrafficTarget> traffic) {
        List<String> out = new ArrayList<>();
        for (TrafficTarget t : traffic) {
            out.add((t.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST
                            ? "LATEST"
                            : t.getRevision())
                    + "=" + t.getPercent() + (t.getTag().isEmpty() ? "" : "#" + t.getTag()));
        }
        return String.join(" ", out);
    }

    /** A function {@code name} (its resource name) that serves one revision with {@code variables}, as if deployed. */
    public void seed(String name, Map<String, String> variables) {
        rollOut(Function.newBuilder()
                .setName(name)
                .setServiceConfig(
                        com.google.cloud.functions.v2.ServiceConfig.newBuilder().putAllEnvironmentVariables(variables))
                .build());
    }

    private static Operation done(Message response, Message metadata) {
        return Operation.newBuilder()
                .setName("operations/" + System.nanoTime())
                .setDone(true)
                .setResponse(Any.pack(response))
                .setMetadata(Any.pack(metadata))
                .build();
    }

    private synchronized Function rollOut(Function wanted) {
        String fn = wanted.getName().substring(wanted.getName().lastIndexOf('/') + 1);
        String svcName = wanted.getName().replace("/functions/", "/services/");
        int n = counter.incrementAndGet();
        String rev = String.format("%s-%05d", fn, n);
        if (nextUnhealthy) {
            unhealthy.add(rev);
            nextUnhealthy = false;
        }
        List<EnvVar> env = new ArrayList<>();
        wanted.getServiceConfig()
                .getEnvironmentVariablesMap()
                .forEach((k, v) ->
                        env.add(EnvVar.newBuilder().setName(k).setValue(v).build()));
        revisions.add(Revision.newBuilder()
                .setName(svcName + "/revisions/" + rev)
                .setCreateTime(Timestamp.newBuilder().setSeconds(1_700_000_000L + n))
                .addContainers(Container.newBuilder().addAllEnv(env))
                .build());
        if (service == null) {
            service = Service.newBuilder()
                    .setName(svcName)
                    .addTraffic(TrafficTarget.newBuilder()
                            .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST)
                            .setPercent(100))
                    .build();
        }
        // Cloud Functions writes the service's template from the function's own configuration, naming the revision;
        // what it does not carry (startup CPU boost) is not kept
        service = withStatuses(service.toBuilder()
                .setTemplate(RevisionTemplate.newBuilder()
                        .setRevision(rev)
                        .addContainers(Container.newBuilder().addAllEnv(env)))
                .setLatestReadyRevision(svcName + "/revisions/" + rev)
                .setLatestCreatedRevision(svcName + "/revisions/" + rev)
                .build());
        function = wanted.toBuilder()
                .setServiceConfig(wanted.getServiceConfig().toBuilder()
                        .setService(svcName)
                        .setRevision(rev))
                .build();
        return function;
    }

    private Service withStatuses(Service s) {
        Service.Builder b = s.toBuilder().clearTrafficStatuses();
        for (TrafficTarget t : s.getTrafficList()) {
            b.addTrafficStatuses(TrafficTargetStatus.newBuilder()
                    .setType(t.getType())
                    .setRevision(t.getRevision())
                    .setPercent(t.getPercent())
                    .setTag(t.getTag())
                    .setUri(t.getTag().isEmpty() ? "" : base() + "/rev/" + t.getRevision()));
        }
        return b.build();
    }

    final class Functions extends FunctionServiceGrpc.FunctionServiceImplBase {
        @Override
        public void getFunction(GetFunctionRequest request, StreamObserver<Function> out) {
            Function f = function;
            if (f == null || !f.getName().equals(request.getName())) {
                out.onError(Status.NOT_FOUND
                        .withDescription("no function " + request.getName())
                        .asRuntimeException());
                return;
            }
            out.onNext(f);
            out.onCompleted();
        }

        @Override
        public void generateUploadUrl(GenerateUploadUrlRequest request, StreamObserver<GenerateUploadUrlResponse> out) {
            int n = counter.get() + 1;
            out.onNext(GenerateUploadUrlResponse.newBuilder()
                    .setUploadUrl(base() + "/upload/" + n)
                    .setStorageSource(
                            StorageSource.newBuilder().setBucket("uploads").setObject("source-" + n))
                    .build());
            out.onCompleted();
        }

        @Override
        public void createFunction(CreateFunctionRequest request, StreamObserver<Operation> out) {
            functionRequests.add(request);
            out.onNext(done(
                    rollOut(request.getFunction().toBuilder()
                            .setName(request.getParent() + "/functions/" + request.getFunctionId())
                            .build()),
                    OperationMetadata.getDefaultInstance()));
            out.onCompleted();
        }

        @Override
        public void updateFunction(UpdateFunctionRequest request, StreamObserver<Operation> out) {
            functionRequests.add(request);
            if (function == null) {
                out.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            out.onNext(done(rollOut(request.getFunction()), OperationMetadata.getDefaultInstance()));
            out.onCompleted();
        }
    }

    final class Services extends ServicesGrpc.ServicesImplBase {
        @Override
        public void getService(GetServiceRequest request, StreamObserver<Service> out) {
            out.onNext(service);
            out.onCompleted();
        }

        @Override
        public void updateService(UpdateServiceRequest request, StreamObserver<Operation> out) {
            serviceRequests.add(request);
            trafficUpdates.add(describe(request.getService().getTrafficList()));
            RevisionTemplate template = request.getService().getTemplate();
            if (request.getService().hasTemplate() && !template.equals(service.getTemplate())) {
                // as Cloud Run: a changed template rolls out a revision, named by Cloud Run unless the template names
                // one
                String rev = template.getRevision().isEmpty()
                        ? String.format(
                                "%s-%05d",
                                service.getName().substring(service.getName().lastIndexOf('/') + 1),
                                counter.incrementAndGet())
                        : template.getRevision();
                String revName = service.getName() + "/revisions/" + rev;
                if (revisions.stream().anyMatch(r -> r.getName().equals(revName))) {
                    out.onError(Status.ALREADY_EXISTS
                            .withDescription("revision " + rev + " exists")
                            .asRuntimeException());
                    return;
                }
                revisions.add(Revision.newBuilder()
                        .setName(revName)
                        .setCreateTime(Timestamp.newBuilder().setSeconds(1_700_000_000L + counter.get()))
                        .addAllContainers(template.getContainersList())
                        .build());
                service = service.toBuilder()
                        .setTemplate(template)
                        .setLatestCreatedRevision(revName)
                        .setLatestReadyRevision(revName)
                        .build();
            }
            service = withStatuses(service.toBuilder()
                    .clearTraffic()
                    .addAllTraffic(request.getService().getTrafficList())
                    .build());
            out.onNext(done(service, service));
            out.onCompleted();
        }
    }

    final class Revisions extends RevisionsGrpc.RevisionsImplBase {
        @Override
        public void getRevision(GetRevisionRequest request, StreamObserver<Revision> out) {
            Revision r = revisions.stream()
                    .filter(x -> x.getName().equals(request.getName()))
                    .findFirst()
                    .orElse(null);
            if (r == null) {
                out.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            out.onNext(r);
            out.onCompleted();
        }

        @Override
        public void listRevisions(ListRevisionsRequest request, StreamObserver<ListRevisionsResponse> out) {
            out.onNext(ListRevisionsResponse.newBuilder()
                    .addAllRevisions(revisions)
                    .build());
            out.onCompleted();
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
        http.stop(0);
    }
}
