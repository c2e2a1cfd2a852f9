package dev.cva.cli.deploy.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.config.ConfigLoader;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.deploy.Artifacts;
import dev.cva.cli.deploy.DeployResult;
import dev.cva.cli.deploy.DeployService;
import dev.cva.cli.deploy.GitInfo;
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
 * test rolled back automatically, rollback by version, and status.
 */
class CloudFunctionsDeployTest {
    private static final String FN = "cv-analytics-receiver";

    @TempDir Path root;
    private FakeGoogle google;
    private DeployService deploys;
    private final List<String> progress = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        google = new FakeGoogle();
        Files.copy(dev.cva.cli.CliHarness.repoRoot().resolve("cva.yaml"), root.resolve("cva.yaml"));
        Files.createDirectories(root.resolve("services/receiver"));
        version("1.0.0");
        CvaConfig config = ConfigLoader.load(root.resolve("cva.yaml"), Map.of(), root).config();
        WebhookSecret secret = WebhookSecret.random();
        DeployService.Targets targets = (service, spec) -> CloudFunctionsTarget.create("p", "europe-west2", s -> FN,
                new ReceiverSmoke(secret, Clock.systemUTC()),
                FixedTransportChannelProvider.create(GrpcTransportChannel.create(google.channel())),
                NoCredentialsProvider.create());
        deploys = new DeployService(config, "prod", targets, s -> FN, new Artifacts(root), new GitInfo(root),
                Clock.systemUTC(), progress::add);
    }

    @AfterEach
    void tearDown() {
        google.close();
    }

    @Test
    void deployCanaryPromoteSmokeRollbackAndStatus() throws Exception {
        Path a = jar("a.jar", "first");
        assertThatThrownBy(() -> deploys.deploy("receiver", options(a, null, false)))
                .isInstanceOfSatisfying(CvaException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("does not exist");

        DeployResult first = deploys.deploy("receiver", options(a, null, true));
        assertThat(first.outcome()).as(first.toString()).isEqualTo(DeployResult.Outcome.deployed);
        assertThat(first.to().revision()).isEqualTo(FN + "-00001");
        assertThat(first.smoke().passed()).as(first.smoke().detail()).isTrue();
        assertThat(first.smoke().detail()).contains("healthz 200", "signed webhook 200");
        assertThat(google.webhookSignatures).singleElement().asString().startsWith(FN + "-00001 v1,");
        // the upload is a zip holding the built jar, byte for byte
        byte[] uploaded = google.uploads.get("/upload/1");
        assertThat(jarInZip(uploaded, "a.jar")).isEqualTo(Files.readAllBytes(a));
        assertThat(google.function.getBuildConfig().getSource().getStorageSource().getObject()).isEqualTo("source-1");
        assertThat(google.function.getBuildConfig().getEntryPoint()).isEqualTo("dev.cva.receiver.ReceiverFunction");
        assertThat(google.function.getServiceConfig().getAvailableMemory()).isEqualTo("512M");
        assertThat(google.function.getLabelsMap()).containsEntry("cva-version", "1-0-0")
                .containsEntry("cva-git-sha", "unknown");
        assertThat(google.function.getServiceConfig().getEnvironmentVariablesMap().get(CloudFunctionsTarget.PROVENANCE_VAR))
                .contains("version=1.0.0", "sha256=" + Artifacts.sha256(a));
        // the smoke test's tag is gone again, and the split names the revision
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00001=100");

        assertThat(deploys.deploy("receiver", options(a, null, false)).outcome()).isEqualTo(DeployResult.Outcome.no_change);
        assertThat(google.revisions).hasSize(1);

        version("1.1.0");
        Path b = jar("b.jar", "second");
        DeployResult canary = deploys.deploy("receiver", options(b, 25, false));
        assertThat(canary.outcome()).isEqualTo(DeployResult.Outcome.deployed);
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00002=25 " + FN + "-00001=75");
        assertThat(canary.traffic()).containsExactly(Map.entry(FN + "-00002", 25), Map.entry(FN + "-00001", 75));

        DeployResult promoted = deploys.promote("receiver");
        assertThat(promoted.outcome()).isEqualTo(DeployResult.Outcome.promoted);
        assertThat(google.servedTraffic()).isEqualTo(FN + "-00002=100");

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

    /** The production clients (Google's endpoints, the default gRPC transport) build with the trimmed class path. */
    @Test
    void productionClientsBuildWithoutXdsOrConscrypt() {
        try (var target = CloudFunctionsTarget.create("p", "europe-west2", s -> FN, u -> null, null,
                NoCredentialsProvider.create())) {
            assertThat(target).isNotNull();
        }
    }

    private static DeployService.Options options(Path artifact, Integer canary, boolean create) {
        return new DeployService.Options(artifact, true, false, canary, false, true, create, null);
    }

    private void version(String v) throws IOException {
        Files.writeString(root.resolve("services/receiver/pom.xml"),
                "<project><artifactId>receiver</artifactId><version>" + v + "</version></project>\n");
    }

    private Path jar(String name, String content) throws IOException {
        Path jar = root.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
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
