package dev.cva.cli.deploy.aws;

import static dev.cva.cli.deploy.aws.AwsCalls.call;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.deploy.DeployPlan;
import dev.cva.cli.deploy.DeployTarget;
import dev.cva.cli.deploy.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.SnapStart;
import software.amazon.awssdk.services.lambda.model.SnapStartApplyOn;

/**
 * AWS Lambda behind {@link DeployTarget}: UpdateFunctionCode and UpdateFunctionConfiguration (memory, timeout,
 * handler, runtime and SnapStart from cva.yaml), the SDK's function-updated waiter, PublishVersion with cva's
 * provenance as the Description, the published-version-active waiter (with SnapStart, Lambda makes the version's
 * snapshot before it is Active), and the {@code live} alias moved at once or with weighted routing. The function is created only
 * with {@code --create} (Terraform owns it normally). The client uses the default credential chain and no endpoint
 * override, so {@code AWS_ENDPOINT_URL_LAMBDA} / {@code AWS_ENDPOINT_URL} reach moto or any other stand-in.
 */
public final class AwsLambdaTarget implements DeployTarget {
    private static final DateTimeFormatter LAMBDA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /**
     * A second function built from a service's artifact with a handler of its own (the notifier's scheduled redrive):
     * it gets the same code as each version of the service, and its {@code live} alias follows the service's whenever
     * all of the service's traffic lands on one version (a full deploy, a promotion, a rollback). A null
     * {@code timeoutSeconds} leaves the function's timeout as it is.
     */
    public record Companion(String function, String handler, Integer timeoutSeconds) {}

    private final LambdaClient lambda;
    private final Function<String, String> functionName;
    private final Function<String, byte[]> smokeEvent;
    private final Function<String, List<Companion>> companions;

    AwsLambdaTarget(
            LambdaClient lambda,
            Function<String, String> functionName,
            Function<String, byte[]> smokeEvent,
            Function<String, List<Companion>> companions) {
        this.lambda = lambda;
        this.functionName = functionName;
        this.smokeEvent = smokeEvent;
        this.companions = companions;
    }

    /** The real thing: the default credential chain in {@code region}, URLConnection HTTP. */
    public static DeployTarget create(
            String region,
            Function<String, String> functionName,
            Function<String, byte[]> smokeEvent,
            Function<String, List<Companion>> companions) {
        return new AwsLambdaTarget(
                LambdaClient.builder()
                        .region(Region.of(region))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build(),
                functionName,
                smokeEvent,
                companions);
    }

    @Override
    public Optional<Deployed> current(String service) {
        String fn = functionName.apply(service);
        return call("read " + fn, () -> {
            AliasConfiguration alias;
            try {
                var got = lambda.getAlias(b -> b.functionName(fn).name(LIVE));
                alias = AliasConfiguration.builder()
                        .functionVersion(got.functionVersion())
                        .routingConfig(got.routingConfig())
                        .build();
            } catch (ResourceNotFoundException e) {
                try {
                    GetFunctionConfigurationResponse latest = lambda.getFunctionConfiguration(b -> b.functionName(fn));
                    Revision r = revision(
                            latest.version(), latest.description(), latest.codeSha256(), latest.lastModified());
                    return Optional.of(new Deployed(service, r, Map.of(r.id(), 100)));
                } catch (ResourceNotFoundException none) {
                    return Optional.<Deployed>empty();
                }
            }
            Map<String, Integer> traffic = traffic(alias);
            GetFunctionConfigurationResponse v =
                    lambda.getFunctionConfiguration(b -> b.functionName(fn).qualifier(alias.functionVersion()));
            return Optional.of(new Deployed(
                    service, revision(v.version(), v.description(), v.codeSha256(), v.lastModified()), traffic));
        });
    }

    @Override
    public List<Revision> revisions(String service) {
        String fn = functionName.apply(service);
        return call("list the versions of " + fn, () -> {
            List<Revision> out = new ArrayList<>();
            for (FunctionConfiguration c : lambda.listVersionsByFunctionPaginator(b -> b.functionName(fn))
                    .versions()) {
                if (!"$LATEST".equals(c.version())) {
                    out.add(revision(c.version(), c.description(), c.codeSha256(), c.lastModified()));
                }
            }
            out.sort(Comparator.comparingLong((Revision r) -> Long.parseLong(r.id()))
                    .reversed());
            return out;
        });
    }

    @Override
    public Revision deploy(DeployPlan plan, Progress progress) {
        String fn = plan.resourceName();
        byte[] zip;
        try {
            zip = Files.readAllBytes(plan.artifact());
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read " + plan.artifact() + ": " + e.getMessage(), null, e);
        }
        String description = Provenance.encode(plan, plan.at());
        return call("deploy " + fn, () -> {
            boolean exists = exists(fn);
            if (!exists && !plan.create()) {
                throw new CvaException(
                        ExitCode.USAGE,
                        "the Lambda function " + fn + " does not exist",
                        "Terraform creates it (cva infra / terraform apply), or pass --create --role ARN");
            }
            if (!exists) {
                if (plan.role() == null || plan.role().isBlank()) {
                    throw CvaException.usage("--create needs --role ARN (the function's execution role)", null);
                }
                progress.step(plan.service() + ": creating " + fn + "…");
                lambda.createFunction(b -> b.functionName(fn)
                        .role(plan.role())
                        .runtime(Runtime.fromValue(plan.spec().runtime()))
                        .handler(plan.spec().handler())
                        .memorySize(plan.spec().memoryMb())
                        .timeout(plan.spec().timeoutSeconds())
                        .snapStart(snapStart(plan))
                        .description(description)
                        .code(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
            } else {
                lambda.updateFunctionCode(b -> b.functionName(fn).zipFile(SdkBytes.fromByteArray(zip)));
                progress.step(plan.service() + ": waiting for the code update…");
                lambda.waiter().waitUntilFunctionUpdatedV2(b -> b.functionName(fn));
                lambda.updateFunctionConfiguration(b -> b.functionName(fn)
                        .handler(plan.spec().handler())
                        .runtime(Runtime.fromValue(plan.spec().runtime()))
                        .memorySize(plan.spec().memoryMb())
                        .timeout(plan.spec().timeoutSeconds())
                        .snapStart(snapStart(plan))
                        .description(description));
            }
            progress.step(plan.service() + ": waiting for the function to be ready…");
            lambda.waiter().waitUntilFunctionUpdatedV2(b -> b.functionName(fn));
            PublishVersionResponse v = lambda.publishVersion(b -> b.functionName(fn)
                    .description(description)
                    .codeSha256(
                            Base64.getEncoder().encodeToString(HexFormat.of().parseHex(plan.sha256()))));
            if (plan.spec().snapStartOn()) {
                // the version's init runs once and is snapshotted before the version is Active (minutes at most)
                progress.step(plan.service() + ": waiting for version " + v.version() + "'s SnapStart snapshot…");
            }
            lambda.waiter()
                    .waitUntilPublishedVersionActive(b -> b.functionName(fn).qualifier(v.version()));
            for (Companion c : companions.apply(plan.service())) {
                publishCompanion(c, plan, zip, description, progress);
            }
            return revision(v.version(), v.description(), v.codeSha256(), v.lastModified());
        });
    }

    /** The same code and provenance as the service's new version, published but taking no traffic yet. */
    private void publishCompanion(Companion c, DeployPlan plan, byte[] zip, String description, Progress progress) {
        if (!exists(c.function())) {
            progress.step(plan.service() + ": " + c.function() + " does not exist (Terraform creates it): skipped");
            return;
        }
        progress.step(plan.service() + ": updating " + c.function() + "…");
        lambda.updateFunctionCode(b -> b.functionName(c.function()).zipFile(SdkBytes.fromByteArray(zip)));
        lambda.waiter().waitUntilFunctionUpdatedV2(b -> b.functionName(c.function()));
        lambda.updateFunctionConfiguration(b -> b.functionName(c.function())
                .handler(c.handler())
                .runtime(Runtime.fromValue(plan.spec().runtime()))
                .timeout(c.timeoutSeconds())
                .snapStart(snapStart(plan))
                .description(description));
        lambda.waiter().waitUntilFunctionUpdatedV2(b -> b.functionName(c.function()));
        PublishVersionResponse v =
                lambda.publishVersion(b -> b.functionName(c.function()).description(description));
        lambda.waiter()
                .waitUntilPublishedVersionActive(
                        b -> b.functionName(c.function()).qualifier(v.version()));
    }

    /** Points each companion's live alias at its version with the same provenance as the service's {@code version}. */
    private void followCompanions(String service, String fn, String version) {
        List<Companion> all = companions.apply(service);
        if (all.isEmpty()) {
            return;
        }
        String description = lambda.getFunctionConfiguration(
                        b -> b.functionName(fn).qualifier(version))
                .description();
        for (Companion c : all) {
            if (!exists(c.function())) {
                continue;
            }
            Optional<String> twin =
                    lambda.listVersionsByFunctionPaginator(b -> b.functionName(c.function())).versions().stream()
                            .filter(v -> !"$LATEST".equals(v.version())
                                    && description != null
                                    && description.equals(v.description()))
                            .map(FunctionConfiguration::version)
                            .findFirst();
            if (twin.isEmpty()) {
                continue; // a version cva did not publish with the service's: leave it where it is
            }
            try {
                lambda.updateAlias(b -> b.functionName(c.function())
                        .name(LIVE)
                        .functionVersion(twin.get())
                        .routingConfig(AliasRoutingConfiguration.builder().build()));
            } catch (ResourceNotFoundException e) {
                lambda.createAlias(b -> b.functionName(c.function()).name(LIVE).functionVersion(twin.get()));
            }
        }
    }

    @Override
    public void shiftTraffic(String service, Map<String, Integer> weights) {
        String fn = functionName.apply(service);
        if (weights.isEmpty()
                || weights.values().stream().mapToInt(Integer::intValue).sum() != 100
                || weights.size() > 2) {
            throw new IllegalArgumentException("weights must be one or two revisions summing to 100: " + weights);
        }
        // the alias's own version is the one with most traffic; the other gets the additional weight
        String primary = weights.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        Map<String, Double> additional = new LinkedHashMap<>();
        weights.forEach((id, pct) -> {
            if (!id.equals(primary) && pct > 0) {
                additional.put(id, pct / 100.0);
            }
        });
        AliasRoutingConfiguration routing = AliasRoutingConfiguration.builder()
                .additionalVersionWeights(additional)
                .build();
        call("move the live alias of " + fn, () -> {
            try {
                lambda.updateAlias(b ->
                        b.functionName(fn).name(LIVE).functionVersion(primary).routingConfig(routing));
            } catch (ResourceNotFoundException e) {
                lambda.createAlias(b ->
                        b.functionName(fn).name(LIVE).functionVersion(primary).routingConfig(routing));
            }
            if (additional.isEmpty()) {
                followCompanions(service, fn, primary);
            }
            return null;
        });
    }

    @Override
    public SmokeResult smoke(String service, Revision revision) {
        String fn = functionName.apply(service);
        byte[] event = smokeEvent.apply(service);
        try {
            InvokeResponse r = lambda.invoke(
                    b -> b.functionName(fn).qualifier(revision.id()).payload(SdkBytes.fromByteArray(event)));
            String body = r.payload() == null ? "" : r.payload().asUtf8String();
            if (r.functionError() != null) {
                return SmokeResult.failed(
                        "version " + revision.id() + " answered " + r.functionError() + ": " + abbreviate(body));
            }
            if (r.statusCode() == null || r.statusCode() / 100 != 2) {
                return SmokeResult.failed("invocation status " + r.statusCode());
            }
            if (body.contains("\"batchItemFailures\":[{")) {
                return SmokeResult.failed(
                        "version " + revision.id() + " reported the test record as failed: " + abbreviate(body));
            }
            return SmokeResult.passed("invoked version " + revision.id() + ": " + abbreviate(body));
        } catch (SdkException e) {
            return SmokeResult.failed("cannot invoke version " + revision.id() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        lambda.close();
    }

    /** SnapStart of cva.yaml's {@code snapStart} (default on): on published versions, or explicitly off. */
    static SnapStart snapStart(DeployPlan plan) {
        return SnapStart.builder()
                .applyOn(plan.spec().snapStartOn() ? SnapStartApplyOn.PUBLISHED_VERSIONS : SnapStartApplyOn.NONE)
                .build();
    }

    private boolean exists(String fn) {
        try {
            lambda.getFunctionConfiguration(b -> b.functionName(fn));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private static Map<String, Integer> traffic(AliasConfiguration alias) {
        Map<String, Integer> out = new LinkedHashMap<>();
        int rest = 100;
        if (alias.routingConfig() != null && alias.routingConfig().additionalVersionWeights() != null) {
            for (Map.Entry<String, Double> e :
                    alias.routingConfig().additionalVersionWeights().entrySet()) {
                int pct = (int) Math.round(e.getValue() * 100);
                out.put(e.getKey(), pct);
                rest -= pct;
            }
        }
        Map<String, Integer> ordered = new LinkedHashMap<>();
        ordered.put(alias.functionVersion(), rest);
        ordered.putAll(out);
        return ordered;
    }

    static Revision revision(String id, String description, String codeSha256, String lastModified) {
        Revision recorded = Provenance.decode(id, description, parseTime(lastModified));
        String sha = codeSha256 == null
                ? recorded.sha256()
                : HexFormat.of().formatHex(Base64.getDecoder().decode(codeSha256));
        return new Revision(id, recorded.version(), recorded.gitSha(), recorded.dirty(), sha, recorded.time());
    }

    private static Instant parseTime(String lastModified) {
        if (lastModified == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(lastModified, LAMBDA_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(lastModified).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }
}
