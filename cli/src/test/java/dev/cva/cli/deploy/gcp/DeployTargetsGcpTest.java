package dev.cva.cli.deploy.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.artifact.GitInfo;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.deploy.Artifacts;
import dev.cva.cli.deploy.DeployResult;
import dev.cva.cli.deploy.DeployService;
import dev.cva.cli.deploy.DeployTarget;
import dev.cva.cli.deploy.DeployTargets;
import dev.cva.cli.deploy.aws.AwsLambdaTarget;
import dev.cva.contracts.webhook.WebhookSecret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GCP branch of {@link DeployTargets}: for the receiver (cloud: gcp) in a cloud environment it builds a Cloud
 * Functions target from the environment's settings ({@code gcp.project}, {@code gcp.region}, {@code gcp.function},
 * {@code webhook.secret}); here its clients are aimed at {@link FakeGoogle}, which checks the smoke test's webhook
 * with the secret the settings name. An AWS service gets an {@link AwsLambdaTarget} and no Google client.
 */
class DeployTargetsGcpTest {
    private final WebhookSecret secret = WebhookSecret.random();
    private final List<String> built = new ArrayList<>();

    @TempDir
    Path project;

    private FakeGoogle google;

    @BeforeEach
    void setUp() throws IOException {
        google = new FakeGoogle(secret);
        Files.copy(CliHarness.repoRoot().resolve("cva.yaml"), project.resolve("cva.yaml"));
        Files.createDirectories(project.resolve("services/receiver"));
        Files.writeString(
                project.resolve("services/receiver/pom.xml"),
                "<project><artifactId>receiver</artifactId><version>1.0.0</version></project>\n");
    }

    @AfterEach
    void tearDown() {
        google.close();
    }

    @Test
    void aGcpServiceGetsCloudFunctionsInTheEnvironmentsProjectAndRegion() throws Exception {
        CvaContext ctx = context(Map.of("CVA_ENV", "prod", "CVA_WEBHOOK_SECRET", secret.reveal()));
        DeployTargets targets = targets(ctx);
        CvaConfig config = ctx.config().config();

        try (DeployTarget t = targets.open("receiver", config.services().get("receiver"))) {
            assertThat(t).isInstanceOf(CloudFunctionsTarget.class);
        }
        // cva.yaml's prod: gcp.project cv-analytics-prod, gcp.region europe-west2, gcp.function cv-analytics-receiver
        assertThat(built).containsExactly("cv-analytics-prod europe-west2 cv-analytics-receiver");

        // a deploy through it: the function's path names the project, region and function, and the smoke test's
        // webhook is signed with webhook.secret (FakeGoogle refuses any other)
        DeployResult r = service(ctx, targets)
                .deploy("receiver", new DeployService.Options(jar(), true, false, null, false, true, true, null));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(DeployResult.Outcome.deployed);
        assertThat(google.function.getName())
                .isEqualTo("projects/cv-analytics-prod/locations/europe-west2/functions/cv-analytics-receiver");
        assertThat(r.smoke().detail()).isEqualTo("GET /healthz 200, signed webhook 200");
        assertThat(google.webhookSignatures).singleElement().asString().endsWith(" verified");
    }

    @Test
    void theSettingsComeFromTheEnvironmentInTheirFixedOrder() throws Exception {
        CvaContext ctx = context(Map.of(
                "CVA_ENV",
                "prod",
                "CVA_GCP_PROJECT",
                "other-project",
                "CVA_GCP_REGION",
                "us-central1",
                "CVA_GCP_FUNCTION",
                "my-receiver"));
        DeployTargets targets = targets(ctx);
        try (DeployTarget t =
                targets.open("receiver", ctx.config().config().services().get("receiver"))) {
            assertThat(t).isInstanceOf(CloudFunctionsTarget.class);
        }
        assertThat(built).containsExactly("other-project us-central1 my-receiver");
        // gcp.function names only the GCP service; the AWS ones keep <project>-<service>
        assertThat(targets.name("processor")).isEqualTo("cv-analytics-processor");

        // without webhook.secret the smoke test runs the health check only, and says so
        DeployResult r = service(ctx, targets)
                .deploy("receiver", new DeployService.Options(jar(), true, false, null, false, true, true, null));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(DeployResult.Outcome.deployed);
        assertThat(google.function.getName())
                .isEqualTo("projects/other-project/locations/us-central1/functions/my-receiver");
        assertThat(r.smoke().detail()).contains("no webhook.secret configured, signed webhook skipped");
        assertThat(google.webhookSignatures).isEmpty();
    }

    @Test
    void anAwsServiceGetsLambdaAndNoGoogleClient() {
        CvaContext ctx = context(Map.of("CVA_ENV", "prod"));
        DeployTargets targets = targets(ctx);
        try (DeployTarget t =
                targets.open("processor", ctx.config().config().services().get("processor"))) {
            assertThat(t).isInstanceOf(AwsLambdaTarget.class);
        }
        assertThat(built).isEmpty();
    }

    private CvaContext context(Map<String, String> env) {
        return new CvaContext(
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                new ByteArrayInputStream(new byte[0]),
                env,
                project,
                project,
                Clock.systemUTC(),
                false);
    }

    /** DeployTargets whose Cloud Functions clients talk to the fake; what it asked for is kept in {@link #built}. */
    private DeployTargets targets(CvaContext ctx) {
        return new DeployTargets(ctx, (gcpProject, region, name, smoke) -> {
            built.add(gcpProject + " " + region + " " + name.apply("receiver"));
            return CloudFunctionsTarget.create(
                    gcpProject,
                    region,
                    name,
                    smoke,
                    FixedTransportChannelProvider.create(GrpcTransportChannel.create(google.channel())),
                    NoCredentialsProvider.create());
        });
    }

    private static DeployService service(CvaContext ctx, DeployTargets targets) {
        return new DeployService(
                ctx.config().config(),
                ctx.environmentName(),
                targets,
                targets::name,
                new Artifacts(ctx.projectRoot()),
                new GitInfo(ctx.projectRoot()),
                ctx.clock(),
                line -> {});
    }

    private Path jar() throws IOException {
        Path jar = project.resolve("receiver.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("content.txt"));
            zip.write("receiver".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }
}
