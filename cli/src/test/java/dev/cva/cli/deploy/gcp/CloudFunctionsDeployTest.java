package dev.cva.cli.deploy.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.functions.v2.CreateFunctionRequest;
import com.google.cloud.functions.v2.Environment;
import com.google.cloud.functions.v2.Function;
import com.google.cloud.functions.v2.UpdateFunctionRequest;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.artifact.GitInfo;
import dev.cva.cli.config.ConfigLoader;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.deploy.Artifacts;
import dev.cva.cli.deploy.DeployResult;
import dev.cva.cli.deploy.DeployService;
import dev.cva.cli.deploy.ReceiverSmoke;
import dev.cva.contracts.webhook.WebhookSecret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver's deploys through the real Google clients (Cloud Functions v2, Cloud Run v2) against in-process gRPC
 * fakes: create, upload, labels and provenance, no change, canary by revision traffic, promotion, a failing smoke
 * test rolled back automatically, rollback by version, and status. Each step is checked in the requests the fake
 * was sent (the function's configuration and update mask, every traffic split), and the smoke test's webhook is
 * verified with the receiver's own verifier: a wrong secret fails the smoke test.
 */
class CloudFunctionsDeployTest {
    private static final String FN = "cv-analytics-receiver";

    private static final String LOCATION = "projects/p/locations/europe-west2";

    @TempDir
    Path root;

    private final WebhookSecret secret = WebhookSecret.random();
    private FakeGoogle google;
    private DeployService deploys;
    private final List<String> progress = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        google = new FakeGoogle(secret);
        // the project's cva.yaml with startup CPU boost off: one revision per deploy (coldStartSettings turns it on)
        String yaml = Files.readString(dev.cva.cli.CliHarness.repoRoot().resolve("cva.yaml"));
        assertThat(yaml).contains("    cpuBoost: true");
        Files.writeString(root.resolve("cva.yaml"), yaml.replace("    cpuBoost: true", "    cpuBoost: false"));
        Files.createDirectories(root.resolve("services/receiver"));
        version("1.0.0");
        deploys = deploys(secret);
    }

    /** The service layer with a smoke test that signs its webhook with {@code smokeSecret}. */
    private DeployService deploys(WebhookSecret smokeSecret) {
        CvaConfig config =
                ConfigLoader.load(root.resolve("cva.yaml"), Map.of(), root).config();
        DeployService.Targets targets = (service, spec) -> CloudFunctionsTarget.create(
                "p",
                "europe-west2",
                s -> FN,
                new ReceiverSmoke(smokeSecret, Clock.systemUTC()),
                FixedTransportChannelProvider.create(GrpcTransportChannel.create(google.channel())),
                NoCredentialsProvider.create());
        return new DeployService(
                config,
                "prod",
                targets,
                s -> FN,
                new Artifacts(root),
                new GitInfo(root),
                Clock.systemUTC(),
                progress::add);
    }

    @AfterEach
    void tearDown() {
        google.close();
    }

    @Test
    void deployCanaryPromoteSmokeRollbackAndStatus() throws Exception {
        Path a = jar("a.jar", "first");
        assertThatThrownBy(() -> deploys.deploy("receiver", options(a, null, false)))
                .isInstanceOfSatisfying(
                        CvaException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("does not exist");

        DeployResult first = deploys.deploy("receiver", options(a, null, true));
        assertThat(first.outcome()).as(first.toString()).isEqualTo(DeployResult.Outcome.deployed);
        assertThat(first.to().revision()).isEqualTo(FN + "-00001");
        assertThat(first.smoke().passed()).as(first.smoke().detail()).isTrue();
        assertThat(first.smoke().detail()).contains("healthz 200", "signed webhook 200");
        // the smoke test's webhook reached the new revision's tagged URL and its signature held for the secret
        assertThat(google.webhookSignatures)
                .singleElement()
                .asString()
                .startsWith(FN + "-00001 v1,")
                .endsWith(" verified");
        // the upload is a zip holding the built jar, byte for byte
        assertThat(google.uploads).containsOnlyKeys("/upload/1");
        assertThat(jarInZip(google.uploads.get("/upload/1"), "a.jar")).isEqualTo(Files.readAllBytes(a));
        // what was asked of Cloud Functions: a gen2 function with cva.yaml's runtime, entry point, memory and
        // timeout, built from the uploaded source, with the provenance as its one variable and as labels
        CreateFunctionRequest create = (CreateFunctionRequest) google.functionRequests.get(0);
        assertThat(google.functionRequests).hasSize(1);
        assertThat(create.getParent()).isEqualTo(LOCATION);
        assertThat(create.getFunctionId()).isEqualTo(FN);
        Function sent = create.getFunction();
        assertThat(sent.getName()).isEqualTo(LOCATION + "/functions/" + FN);
        assertThat(sent.getEnvironment()).isEqualTo(Environment.GEN_2);
        assertThat(sent.getBuildConfig().getRuntime()).isEqualTo("java25");
        assertThat(sent.getBuildConfig().getEntryPoint()).isEqualTo("dev.cva.receiver.ReceiverFunction");
        assertThat(sent.getBuildConfig().getSource().getStorageSource().getBucket())
                .isEqualTo("uploads");
        assertThat(sent.getBuildConfig().getSource().getStorageSource().getObject())
                .isEqualTo("source-1");
        assertThat(sent.getServiceConfig().getAvailableMemory()).isEqualTo("512M");
        assertThat(sent.getServiceConfig().getTimeoutSeconds()).isEqualTo(60);
        assertThat(sent.getServiceConfig().getMinInstanceCount())
                .as("cva.yaml's minInstances")
                .isZero();
        // (dirty: the project folder is no git repository, so cva cannot tell it is clean)
        String provenance = "cva version=1.0.0 git=unknown dirty=true sha256=" + Artifacts.sha256(a) + " at=";
        assertThat(sent.getServiceConfig().getEnvironmentVariablesMap())
                .containsOnlyKeys(CloudFunctionsTarget.PROVENANCE_VAR);
        assertThat(sent.getServiceConfig().getEnvironmentVariablesMap().get(CloudFunctionsTarget.PROVENANCE_VAR))
                .startsWith(provenance);
        assertThat(sent.getLabelsMap())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("cva-version", "1-0-0", "cva-git-sha", "unknown", "cva-dirty", "true"));
        // the traffic: all on the new revision, then the smoke test's 0% tag beside it, then the tag removed again
        assertThat(google.trafficUpdates)
                .containsExactly(FN + "-00001=100", FN + "-00001=100 " + FN + "-00001=0#cva-smoke", FN + "-00001=100");
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00001=100");
        // Terraform sets the receiver's own variables on the function; a deploy keeps them
        google.function = google.function.toBuilder()
                .setServiceConfig(google.function.getServiceConfig().toBuilder()
                        .putEnvironmentVariables("WEBHOOK_SECRET_NAME", "cv-analytics-webhook-secret"))
                .build();

        assertThat(deploys.deploy("receiver", options(a, null, false)).outcome())
                .isEqualTo(DeployResult.Outcome.no_change);
        assertThat(google.revisions).hasSize(1);
        assertThat(google.functionRequests).hasSize(1);
        assertThat(google.trafficUpdates).hasSize(3);

        version("1.1.0");
        Path b = jar("b.jar", "second");
        google.trafficUpdates.clear();
        DeployResult canary = deploys.deploy("receiver", options(b, 25, false));
        assertThat(canary.outcome()).isEqualTo(DeployResult.Outcome.deployed);
        // an update of the existing function: the fields cva owns, named in the mask; Terraform's variable kept
        assertThat(google.functionRequests).hasSize(2);
        UpdateFunctionRequest update = (UpdateFunctionRequest) google.functionRequests.get(1);
        assertThat(update.getUpdateMask().getPathsList())
                .containsExactlyInAnyOrder(
                        "labels",
                        "build_config.runtime",
                        "build_config.entry_point",
                        "build_config.source",
                        "service_config.available_memory",
                        "service_config.timeout_seconds",
                        "service_config.min_instance_count",
                        "service_config.environment_variables");
        Function updated = update.getFunction();
        assertThat(updated.getName()).isEqualTo(LOCATION + "/functions/" + FN);
        assertThat(updated.getBuildConfig().getRuntime()).isEqualTo("java25");
        assertThat(updated.getBuildConfig().getSource().getStorageSource().getObject())
                .isEqualTo("source-2");
        assertThat(jarInZip(google.uploads.get("/upload/2"), "b.jar")).isEqualTo(Files.readAllBytes(b));
        assertThat(updated.getServiceConfig().getEnvironmentVariablesMap())
                .containsEntry("WEBHOOK_SECRET_NAME", "cv-analytics-webhook-secret")
                .hasEntrySatisfying(
                        CloudFunctionsTarget.PROVENANCE_VAR,
                        v -> assertThat(v)
                                .startsWith("cva version=1.1.0 git=unknown dirty=true sha256=" + Artifacts.sha256(b)
                                        + " at="));
        assertThat(updated.getLabelsMap()).containsEntry("cva-version", "1-1-0");
        // before the update the split is pinned to the serving revision (so the new one takes nothing), then 25%,
        // then the smoke test's 0% tag on the canary, and the tag removed again
        String split = FN + "-00002=25 " + FN + "-00001=75";
        assertThat(google.trafficUpdates)
                .containsExactly(FN + "-00001=100", split, split + " " + FN + "-00002=0#cva-smoke", split);
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00002=25 " + FN + "-00001=75");
        assertThat(canary.traffic()).containsExactly(Map.entry(FN + "-00002", 25), Map.entry(FN + "-00001", 75));
        // the new revision runs what was sent
        assertThat(google.revisions.get(1).getContainers(0).getEnvList()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo(CloudFunctionsTarget.PROVENANCE_VAR);
            assertThat(e.getValue()).contains("version=1.1.0");
        });

        DeployResult promoted = deploys.promote("receiver");
        assertThat(promoted.outcome()).isEqualTo(DeployResult.Outcome.promoted);
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00002=100");
        assertThat(google.functionRequests).hasSize(2);

        // a revision whose health check fails: traffic goes back to the one before, exit 1
        version("1.2.0");
        google.nextUnhealthy = true;
        DeployResult bad = deploys.deploy("receiver", options(jar("c.jar", "third"), null, true));
        assertThat(bad.outcome()).isEqualTo(DeployResult.Outcome.rolled_back);
        assertThat(bad.outcome().exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(bad.reason()).contains("smoke test failed", "GET /healthz answered 503");
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00002=100");
        assertThat(progress).anyMatch(l -> l.contains("rolling back to " + FN + "-00002"));

        DeployResult back = deploys.rollback("receiver", "1.0.0");
        assertThat(back.to().revision()).isEqualTo(FN + "-00001");
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00001=100");

        DeployService.Status status = deploys.status(List.of("receiver")).get(0);
        assertThat(status.revision()).isEqualTo(FN + "-00001");
        assertThat(status.version()).isEqualTo("1.0.0");
        assertThat(status.traffic()).containsExactly(Map.entry(FN + "-00001", 100));
        assertThat(status.drift()).isEqualTo("untagged");
    }

    @Test
    void aSmokeTestSignedWithAnotherSecretIsRefusedAndRolledBack() throws Exception {
        Path a = jar("a.jar", "first");
        assertThat(deploys.deploy("receiver", options(a, null, true)).outcome())
                .isEqualTo(DeployResult.Outcome.deployed);

        version("1.1.0");
        DeployResult bad =
                deploys(WebhookSecret.random()).deploy("receiver", options(jar("b.jar", "second"), null, false));
        assertThat(bad.outcome()).as(bad.toString()).isEqualTo(DeployResult.Outcome.rolled_back);
        assertThat(bad.reason()).contains("smoke test failed", "signed webhook answered 401");
        assertThat(google.webhookSignatures).hasSize(2);
        assertThat(google.webhookSignatures.get(0)).startsWith(FN + "-00001 ").endsWith(" verified");
        assertThat(google.webhookSignatures.get(1)).startsWith(FN + "-00002 ").endsWith(" rejected:BAD_SIGNATURE");
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00001=100");
    }

    /**
     * The production clients build with the trimmed class path (no xDS, no Conscrypt) and aim at Google's endpoints
     * over the default gRPC transport.
     */
    @Test
    void productionClientsBuildWithoutXdsOrConscrypt() {
        try (var target = (CloudFunctionsTarget) CloudFunctionsTarget.create(
                "p", "europe-west2", s -> FN, u -> null, null, NoCredentialsProvider.create())) {
            assertThat(target.endpoints())
                    .containsExactly(
                            "cloudfunctions.googleapis.com:443", "run.googleapis.com:443", "run.googleapis.com:443");
        }
    }

    @Test
    void aConfigurationOnlyChangeSetsOneVariableKeepsTheOthersAndMovesTheTraffic() throws Exception {
        deploys.deploy("receiver", options(jar("a.jar", "first"), null, true));
        google.function = google.function.toBuilder()
                .setServiceConfig(google.function.getServiceConfig().toBuilder()
                        .putEnvironmentVariables("FIRESTORE_PROJECT", "p"))
                .build();
        String source =
                google.function.getBuildConfig().getSource().getStorageSource().getObject();
        google.trafficUpdates.clear();
        CloudFunctionsTarget target = (CloudFunctionsTarget) CloudFunctionsTarget.create(
                "p",
                "europe-west2",
                s -> FN,
                new ReceiverSmoke(secret, Clock.systemUTC()),
                FixedTransportChannelProvider.create(GrpcTransportChannel.create(google.channel())),
                NoCredentialsProvider.create());

        String revision = target.setVariables("receiver", Map.of("FIRESTORE_DATABASE", "restored-1"));

        assertThat(revision).isEqualTo(FN + "-00002");
        UpdateFunctionRequest update =
                (UpdateFunctionRequest) google.functionRequests.get(google.functionRequests.size() - 1);
        assertThat(update.getUpdateMask().getPathsList()).containsExactly("service_config.environment_variables");
        assertThat(update.getFunction().getServiceConfig().getEnvironmentVariablesMap())
                .containsEntry("FIRESTORE_DATABASE", "restored-1")
                .containsEntry("FIRESTORE_PROJECT", "p")
                .containsKey(CloudFunctionsTarget.PROVENANCE_VAR);
        assertThat(google.function
                        .getBuildConfig()
                        .getSource()
                        .getStorageSource()
                        .getObject())
                .as("no new source")
                .isEqualTo(source);
        assertThat(google.uploads).hasSize(1);
        assertThat(google.trafficUpdates).containsExactly(FN + "-00002=100");
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00002=100");
    }

    @Test
    void coldStartSettingsMinInstancesOnTheFunctionAndStartupCpuBoostOnItsCloudRunService() throws Exception {
        Files.writeString(
                root.resolve("cva.yaml"),
                Files.readString(root.resolve("cva.yaml"))
                        .replace("    cpuBoost: false", "    cpuBoost: true")
                        .replace("    minInstances: 0", "    minInstances: 2"));
        deploys = deploys(secret);

        DeployResult first = deploys.deploy("receiver", options(jar("a.jar", "first"), null, true));

        // Cloud Functions: the min instance count
        CreateFunctionRequest create = (CreateFunctionRequest) google.functionRequests.get(0);
        assertThat(create.getFunction().getServiceConfig().getMinInstanceCount())
                .isEqualTo(2);
        // Cloud Run: the function's revision 00001 had no boost; cva set it on the service's template (without the
        // revision name Cloud Functions gave it), which rolled out 00002, the revision deployed and smoke-tested
        var boost = google.serviceRequests.stream()
                .filter(r -> r.getService().getTemplate().getContainersCount() > 0
                        && r.getService()
                                .getTemplate()
                                .getContainers(0)
                                .getResources()
                                .getStartupCpuBoost())
                .toList();
        assertThat(boost).isNotEmpty();
        assertThat(boost.get(0).getService().getTemplate().getRevision()).isEmpty();
        assertThat(boost.get(0).getService().getTemplate().getContainers(0).getEnvList())
                .anyMatch(e -> e.getName().equals(CloudFunctionsTarget.PROVENANCE_VAR));
        assertThat(first.outcome()).as(first.toString()).isEqualTo(DeployResult.Outcome.deployed);
        assertThat(first.to().revision()).isEqualTo(FN + "-00002");
        assertThat(first.smoke().passed()).as(first.smoke().detail()).isTrue();
        assertThat(google.webhookSignatures).singleElement().asString().startsWith(FN + "-00002 ");
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00002=100");
        assertThat(google.revisions.get(1).getContainers(0).getResources().getStartupCpuBoost())
                .isTrue();
        assertThat(progress).anyMatch(p -> p.contains("turning on startup CPU boost"));

        // the next deploy: the canary is the boosted twin of the function's new revision; the live one keeps serving
        version("1.1.0");
        int before = google.serviceRequests.size();
        DeployResult canary = deploys.deploy("receiver", options(jar("b.jar", "second"), 25, false));
        assertThat(canary.to().revision()).isEqualTo(FN + "-00004");
        assertThat(((UpdateFunctionRequest) google.functionRequests.get(1))
                        .getFunction()
                        .getServiceConfig()
                        .getMinInstanceCount())
                .isEqualTo(2);
        assertThat(google.serviceRequests.subList(before, google.serviceRequests.size()))
                .anyMatch(r -> r.getService()
                        .getTemplate()
                        .getContainers(0)
                        .getResources()
                        .getStartupCpuBoost());
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00004=25 " + FN + "-00002=75");
    }

    private static DeployService.Options options(Path artifact, Integer canary, boolean create) {
        return new DeployService.Options(artifact, true, false, canary, false, true, create, null);
    }

    private void version(String v) throws IOException {
        Files.writeString(
                root.resolve("services/receiver/pom.xml"),
                "<project><artifactId>receiver</artifactId><version>" + v + "</version></project>\n");
    }

    private Path jar(String name, String content) throws IOException {
        Path jar = root.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("content.txt"));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }

    private static byte[] jarInZip(byte[] zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        return null;
    }
}
