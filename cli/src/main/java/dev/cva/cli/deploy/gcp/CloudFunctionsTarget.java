package dev.cva.cli.deploy.gcp;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.functions.v2.CreateFunctionRequest;
import com.google.cloud.functions.v2.Environment;
import com.google.cloud.functions.v2.Function;
import com.google.cloud.functions.v2.FunctionServiceClient;
import com.google.cloud.functions.v2.FunctionServiceSettings;
import com.google.cloud.functions.v2.GenerateUploadUrlRequest;
import com.google.cloud.functions.v2.GenerateUploadUrlResponse;
import com.google.cloud.functions.v2.ServiceConfig;
import com.google.cloud.functions.v2.Source;
import com.google.cloud.functions.v2.UpdateFunctionRequest;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.RevisionsSettings;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.ServicesSettings;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.protobuf.FieldMask;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.deploy.DeployPlan;
import dev.cva.cli.deploy.DeployTarget;
import dev.cva.cli.deploy.Provenance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Cloud Functions gen2 behind {@link DeployTarget}. A deploy pins the current traffic split (so the new revision
 * takes none until cva moves it), asks GenerateUploadUrl, PUTs a source zip holding the built jar, and runs
 * UpdateFunction (CreateFunction with {@code --create}) as a long-running operation polled every 0.5-5 s. The
 * function's labels carry the version and git sha, and the variable {@code CVA_DEPLOY} the {@link Provenance} line,
 * which each Cloud Run revision keeps; cva.yaml's {@code minInstances} is the function's min instance count, and its
 * {@code cpuBoost} is set on the Cloud Run service (see {@link #cpuBoost}). Canary, promotion, rollback and the smoke test's tagged URL move traffic
 * between the Cloud Run revisions (Cloud Run Admin API v2): instant, no rebuild.
 *
 * <p>Only this package imports Google classes; the CLI loads it when a GCP service is deployed, never at start-up.
 */
public final class CloudFunctionsTarget implements DeployTarget {
    public static final String PROVENANCE_VAR = "CVA_DEPLOY";
    static final String SMOKE_TAG = "cva-smoke";

    private final FunctionServiceClient functions;
    private final ServicesClient services;
    private final RevisionsClient revisions;
    private final String location;
    private final java.util.function.Function<String, String> functionName;
    private final java.util.function.Function<URI, SmokeResult> smoke;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

    CloudFunctionsTarget(
            FunctionServiceClient functions,
            ServicesClient services,
            RevisionsClient revisions,
            String project,
            String region,
            java.util.function.Function<String, String> functionName,
            java.util.function.Function<URI, SmokeResult> smoke) {
        this.functions = functions;
        this.services = services;
        this.revisions = revisions;
        this.location = "projects/" + project + "/locations/" + region;
        this.functionName = functionName;
        this.smoke = smoke;
    }

    /** The real thing: Application Default Credentials, Google's endpoints. */
    public static DeployTarget create(
            String project,
            String region,
            java.util.function.Function<String, String> functionName,
            java.util.function.Function<URI, SmokeResult> smoke) {
        return create(project, region, functionName, smoke, null, null);
    }

    /** With a transport and credentials of the caller's choosing (tests: an in-process gRPC channel). */
    public static DeployTarget create(
            String project,
            String region,
            java.util.function.Function<String, String> functionName,
            java.util.function.Function<URI, SmokeResult> smoke,
            TransportChannelProvider transport,
            CredentialsProvider credentials) {
        try {
            FunctionServiceSettings.Builder f = FunctionServiceSettings.newBuilder();
            f.updateFunctionOperationSettings().setPollingAlgorithm(fastPolling());
            f.createFunctionOperationSettings().setPollingAlgorithm(fastPolling());
            ServicesSettings.Builder s = ServicesSettings.newBuilder();
            s.updateServiceOperationSettings().setPollingAlgorithm(fastPolling());
            RevisionsSettings.Builder r = RevisionsSettings.newBuilder();
            if (transport != null) {
                f.setTransportChannelProvider(transport);
                s.setTransportChannelProvider(transport);
                r.setTransportChannelProvider(transport);
            }
            if (credentials != null) {
                f.setCredentialsProvider(credentials);
                s.setCredentialsProvider(credentials);
                r.setCredentialsProvider(credentials);
            }
            return new CloudFunctionsTarget(
                    FunctionServiceClient.create(f.build()),
                    ServicesClient.create(s.build()),
                    RevisionsClient.create(r.build()),
                    project,
                    region,
                    functionName,
                    smoke);
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot create the Google Cloud clients: " + e.getMessage(),
                    "gcloud auth application-default login",
                    e);
        }
    }

    /** Long-running operations: first poll after 0.5 s, then ×1.5 up to 5 s, for at most 15 minutes. */
    static OperationTimedPollAlgorithm fastPolling() {
        return OperationTimedPollAlgorithm.create(RetrySettings.newBuilder()
                .setInitialRetryDelayDuration(Duration.ofMillis(500))
                .setRetryDelayMultiplier(1.5)
                .setMaxRetryDelayDuration(Duration.ofSeconds(5))
                .setInitialRpcTimeoutDuration(Duration.ZERO)
                .setRpcTimeoutMultiplier(1.0)
                .setMaxRpcTimeoutDuration(Duration.ZERO)
                .setTotalTimeoutDuration(Duration.ofMinutes(15))
                .build());
    }

    @Override
    public Optional<Deployed> current(String service) {
        return call("read " + functionName.apply(service), () -> {
            Function f = function(service);
            if (f == null || f.getServiceConfig().getService().isEmpty()) {
                return Optional.<Deployed>empty();
            }
            Service s = services.getService(f.getServiceConfig().getService());
            Map<String, Integer> traffic = traffic(s);
            if (traffic.isEmpty()) {
                return Optional.<Deployed>empty();
            }
            String live = traffic.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
            Revision r = revision(revisions.getRevision(s.getName() + "/revisions/" + live));
            return Optional.of(new Deployed(service, r, traffic));
        });
    }

    @Override
    public List<Revision> revisions(String service) {
        return call("list the revisions of " + functionName.apply(service), () -> {
            Function f = function(service);
            if (f == null) {
                return List.<Revision>of();
            }
            List<Revision> out = new ArrayList<>();
            for (com.google.cloud.run.v2.Revision r :
                    revisions.listRevisions(f.getServiceConfig().getService()).iterateAll()) {
                out.add(revision(r));
            }
            out.sort(Comparator.comparing((Revision r) -> r.time() == null ? Instant.EPOCH : r.time())
                    .thenComparing(Revision::id)
                    .reversed());
            return out;
        });
    }

    @Override
    public Revision deploy(DeployPlan plan, Progress progress) {
        String fn = plan.resourceName();
        byte[] zip = sourceZip(plan);
        return call("deploy " + fn, () -> {
            Function existing = function(plan.service());
            if (existing == null && !plan.create()) {
                throw new CvaException(
                        ExitCode.USAGE,
                        "the Cloud Function " + fn + " does not exist",
                        "Terraform creates it (cva infra / terraform apply), or pass --create");
            }
            if (existing != null) {
                // Cloud Run sends traffic to the latest revision unless the split is pinned: pin what serves now
                current(plan.service()).ifPresent(d -> shiftTraffic(plan.service(), d.traffic()));
            }
            progress.step(plan.service() + ": uploading the source (" + zip.length / 1024 + " KiB)…");
            GenerateUploadUrlResponse upload = functions.generateUploadUrl(
                    GenerateUploadUrlRequest.newBuilder().setParent(location).build());
            put(URI.create(upload.getUploadUrl()), zip);
            Map<String, String> env = new LinkedHashMap<>(
                    existing == null ? Map.of() : existing.getServiceConfig().getEnvironmentVariablesMap());
            env.put(PROVENANCE_VAR, Provenance.encode(plan, plan.at()));
            Map<String, String> labels = new LinkedHashMap<>(existing == null ? Map.of() : existing.getLabelsMap());
            labels.put("cva-version", label(plan.version()));
            labels.put("cva-git-sha", label(plan.gitSha()));
            labels.put("cva-dirty", Boolean.toString(plan.dirty()));
            Function.Builder wanted = (existing == null
                            ? Function.newBuilder().setEnvironment(Environment.GEN_2)
                            : existing.toBuilder())
                    .setName(location + "/functions/" + fn)
                    .putAllLabels(labels);
            wanted.setBuildConfig(wanted.getBuildConfig().toBuilder()
                    .setRuntime(plan.spec().runtime())
                    .setEntryPoint(plan.spec().entryPoint())
                    .setSource(Source.newBuilder().setStorageSource(upload.getStorageSource())));
            ServiceConfig.Builder sc = wanted.getServiceConfig().toBuilder()
                    .clearEnvironmentVariables()
                    .putAllEnvironmentVariables(env);
            if (plan.spec().memoryMb() != null) {
                sc.setAvailableMemory(plan.spec().memoryMb() + "M");
            }
            if (plan.spec().timeoutSeconds() != null) {
                sc.setTimeoutSeconds(plan.spec().timeoutSeconds());
            }
            sc.setMinInstanceCount(plan.spec().minInstancesOrDefault());
            wanted.setServiceConfig(sc);
            progress.step(plan.service() + ": building and rolling out a new revision (Cloud Build)…");
            Function done;
            if (existing == null) {
                done = functions
                        .createFunctionAsync(CreateFunctionRequest.newBuilder()
                                .setParent(location)
                                .setFunctionId(fn)
                                .setFunction(wanted)
                                .build())
                        .get();
            } else {
                done = functions
                        .updateFunctionAsync(UpdateFunctionRequest.newBuilder()
                                .setFunction(wanted)
                                .setUpdateMask(FieldMask.newBuilder()
                                        .addAllPaths(List.of(
                                                "labels",
                                                "build_config.runtime",
                                                "build_config.entry_point",
                                                "build_config.source",
                                                "service_config.available_memory",
                                                "service_config.timeout_seconds",
                                                "service_config.min_instance_count",
                                                "service_config.environment_variables")))
                                .build())
                        .get();
            }
            String revision = done.getServiceConfig().getRevision();
            if (revision.isEmpty()) {
                throw new CvaException(ExitCode.FAILURE, fn + " was updated but names no revision", null);
            }
            String boosted = cpuBoost(done, plan.spec().cpuBoostOn(), progress, plan.service());
            if (boosted != null) {
                revision = boosted;
            }
            return new Revision(
                    shortName(revision), plan.version(), plan.gitSha(), plan.dirty(), plan.sha256(), plan.at());
        });
    }

    /**
     * Startup CPU boost, which the Cloud Functions v2 API does not carry: set on the function's Cloud Run service
     * (template.containers[0].resources.startup_cpu_boost) when it differs from {@code on}, which rolls out one more
     * revision of the same image with the setting; its name is returned (null: nothing to change). The traffic is
     * sent back as it is (pinned by the deploy, or on the latest revision for a new function), so the boosted revision
     * takes the place of the function's new one.
     */
    private String cpuBoost(Function done, boolean on, Progress progress, String service)
            throws ExecutionException, InterruptedException {
        String name = done.getServiceConfig().getService();
        if (name.isEmpty()) {
            return null;
        }
        Service s = services.getService(name);
        RevisionTemplate t = s.getTemplate();
        if (t.getContainersCount() == 0 || t.getContainers(0).getResources().getStartupCpuBoost() == on) {
            return null;
        }
        progress.step(service + ": " + (on ? "turning on" : "turning off") + " startup CPU boost (Cloud Run)…");
        Container c = t.getContainers(0);
        RevisionTemplate boosted = t.toBuilder()
                .clearRevision() // Cloud Run names the new revision
                .setContainers(
                        0,
                        c.toBuilder().setResources(c.getResources().toBuilder().setStartupCpuBoost(on)))
                .build();
        Service updated = update(s.toBuilder().setTemplate(boosted).build());
        String created = updated.getLatestCreatedRevision();
        if (created.isEmpty()) {
            throw new CvaException(ExitCode.FAILURE, shortName(name) + " was updated but names no new revision", null);
        }
        return created;
    }

    /**
     * A configuration-only change (no new source): sets {@code variables} on the function's service config, keeping
     * its other variables, by an UpdateFunction of {@code service_config.environment_variables} alone, then moves all
     * traffic to the revision it rolled out (the split is pinned by cva's deploys, so it would not move by itself).
     * {@code cva rollback} undoes it like any deploy. Returns the new revision's id.
     */
    public String setVariables(String service, Map<String, String> variables) {
        String fn = functionName.apply(service);
        return call("set " + String.join(", ", variables.keySet()) + " on " + fn, () -> {
            Function existing = function(service);
            if (existing == null) {
                throw new CvaException(
                        ExitCode.USAGE,
                        "the Cloud Function " + fn + " does not exist",
                        "Terraform creates it: cva infra apply " + service);
            }
            Map<String, String> env =
                    new LinkedHashMap<>(existing.getServiceConfig().getEnvironmentVariablesMap());
            env.putAll(variables);
            Function wanted = existing.toBuilder()
                    .setServiceConfig(existing.getServiceConfig().toBuilder()
                            .clearEnvironmentVariables()
                            .putAllEnvironmentVariables(env))
                    .build();
            Function done = functions
                    .updateFunctionAsync(UpdateFunctionRequest.newBuilder()
                            .setFunction(wanted)
                            .setUpdateMask(FieldMask.newBuilder().addPaths("service_config.environment_variables"))
                            .build())
                    .get();
            String revision = done.getServiceConfig().getRevision();
            if (revision.isEmpty()) {
                throw new CvaException(ExitCode.FAILURE, fn + " was updated but names no revision", null);
            }
            shiftTraffic(service, Map.of(shortName(revision), 100));
            return shortName(revision);
        });
    }

    @Override
    public void shiftTraffic(String service, Map<String, Integer> weights) {
        call("move the traffic of " + functionName.apply(service), () -> {
            Service s = service(service);
            List<TrafficTarget> traffic = new ArrayList<>();
            weights.forEach((rev, pct) -> traffic.add(TrafficTarget.newBuilder()
                    .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
                    .setRevision(rev)
                    .setPercent(pct)
                    .build()));
            update(s.toBuilder().clearTraffic().addAllTraffic(traffic).build());
            return null;
        });
    }

    @Override
    public SmokeResult smoke(String service, Revision revision) {
        try {
            Service s = service(service);
            List<TrafficTarget> traffic = new ArrayList<>(s.getTrafficList().stream()
                    .filter(t -> !SMOKE_TAG.equals(t.getTag()))
                    .toList());
            traffic.add(TrafficTarget.newBuilder()
                    .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
                    .setRevision(revision.id())
                    .setPercent(0)
                    .setTag(SMOKE_TAG)
                    .build());
            Service tagged =
                    update(s.toBuilder().clearTraffic().addAllTraffic(traffic).build());
            String uri = tagged.getTrafficStatusesList().stream()
                    .filter(t -> SMOKE_TAG.equals(t.getTag()))
                    .map(TrafficTargetStatus::getUri)
                    .filter(u -> !u.isEmpty())
                    .findFirst()
                    .orElse(null);
            try {
                return uri == null
                        ? SmokeResult.failed("Cloud Run gave revision " + revision.id() + " no tagged URL")
                        : smoke.apply(URI.create(uri));
            } finally {
                Service after = service(service);
                update(after.toBuilder()
                        .clearTraffic()
                        .addAllTraffic(after.getTrafficList().stream()
                                .filter(t -> !SMOKE_TAG.equals(t.getTag()))
                                .toList())
                        .build());
            }
        } catch (ApiException | ExecutionException e) {
            return SmokeResult.failed("cannot route to revision " + revision.id() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SmokeResult.failed("interrupted");
        }
    }

    /** The endpoints the three clients call (tests: the production ones are Google's). */
    List<String> endpoints() {
        return List.of(
                functions.getSettings().getEndpoint(),
                services.getSettings().getEndpoint(),
                revisions.getSettings().getEndpoint());
    }

    @Override
    public void close() {
        functions.close();
        services.close();
        revisions.close();
    }

    private Function function(String service) {
        try {
            return functions.getFunction(location + "/functions/" + functionName.apply(service));
        } catch (NotFoundException e) {
            return null;
        }
    }

    private Service service(String service) {
        Function f = function(service);
        if (f == null || f.getServiceConfig().getService().isEmpty()) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    functionName.apply(service) + " has no Cloud Run service yet",
                    "deploy it first: cva deploy " + service);
        }
        return services.getService(f.getServiceConfig().getService());
    }

    private Service update(Service s) throws ExecutionException, InterruptedException {
        return services.updateServiceAsync(
                        UpdateServiceRequest.newBuilder().setService(s).build())
                .get();
    }

    /** revision → percent as Cloud Run reports it serving (a "latest" target resolved to the latest ready revision). */
    static Map<String, Integer> traffic(Service s) {
        Map<String, Integer> out = new LinkedHashMap<>();
        List<TrafficTargetStatus> statuses = s.getTrafficStatusesList();
        if (!statuses.isEmpty()) {
            for (TrafficTargetStatus t : statuses) {
                String rev = t.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST
                        ? s.getLatestReadyRevision()
                        : t.getRevision();
                if (t.getPercent() > 0 && !rev.isEmpty()) {
                    out.merge(shortName(rev), t.getPercent(), Integer::sum);
                }
            }
            return out;
        }
        for (TrafficTarget t : s.getTrafficList()) {
            String rev = t.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST
                    ? s.getLatestReadyRevision()
                    : t.getRevision();
            if (t.getPercent() > 0 && !rev.isEmpty()) {
                out.merge(shortName(rev), t.getPercent(), Integer::sum);
            }
        }
        return out;
    }

    private static Revision revision(com.google.cloud.run.v2.Revision r) {
        String recorded = r.getContainersList().stream()
                .flatMap(c -> c.getEnvList().stream())
                .filter(e -> PROVENANCE_VAR.equals(e.getName()))
                .map(EnvVar::getValue)
                .findFirst()
                .orElse(null);
        Instant created = r.hasCreateTime()
                ? Instant.ofEpochSecond(
                        r.getCreateTime().getSeconds(), r.getCreateTime().getNanos())
                : null;
        return Provenance.decode(shortName(r.getName()), recorded, created);
    }

    static String shortName(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /** A label value: lower case letters, digits, '-' and '_', at most 63 characters (1.2.0 → 1-2-0). */
    static String label(String value) {
        String v = value == null ? "unknown" : value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        return v.length() > 63 ? v.substring(0, 63) : v;
    }

    /** The source Cloud Functions builds from: a zip holding the built jar (the Java buildpack runs a prebuilt jar). */
    static byte[] sourceZip(DeployPlan plan) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ZipOutputStream zip = new ZipOutputStream(bytes)) {
            ZipEntry e = new ZipEntry(plan.artifact().getFileName().toString());
            e.setTime(0);
            zip.putNextEntry(e);
            Files.copy(plan.artifact(), zip);
            zip.closeEntry();
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot zip " + plan.artifact() + ": " + e.getMessage(), null, e);
        }
    }

    private void put(URI url, byte[] zip) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(url)
                            .timeout(Duration.ofMinutes(5))
                            .header("Content-Type", "application/zip")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(zip))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new CvaException(ExitCode.FAILURE, "the source upload answered " + r.statusCode(), null);
            }
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot upload the source: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted during the upload");
        }
    }

    private interface Call<T> {
        T run() throws ExecutionException, InterruptedException;
    }

    /** Google API failures become CvaExceptions here, at the edge. */
    private static <T> T call(String what, Call<T> body) {
        try {
            return body.run();
        } catch (ApiException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot " + what + ": " + e.getStatusCode().getCode() + " " + e.getMessage(),
                    "check gcloud auth application-default login and the project",
                    e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new CvaException(ExitCode.FAILURE, "cannot " + what + ": " + c.getMessage(), null, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted: " + what);
        }
    }
}
