package dev.cva.cli.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.MotoRoles;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.deploy.DeployPlan;
import dev.cva.cli.deploy.DeployTarget;
import dev.cva.local.Moto;
import dev.cva.testing.Tools;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.PublishVersionRequest;
import software.amazon.awssdk.services.lambda.model.SnapStartApplyOn;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;

/**
 * {@code cva deploy}'s SnapStart against moto's Lambda control plane through the real SDK client: the function is
 * created and each later configuration update is sent with SnapStart on published versions (cva.yaml's
 * {@code snapStart}, default on; off when false), and each published version is waited on until it is Active.
 *
 * <p>moto 5.2.1 accepts SnapStart and ignores it (GetFunctionConfiguration always answers {@code ApplyOn: None}, and a
 * version is Active at once), so the requests are asserted as the SDK sent them, recorded by an execution
 * interceptor on the client, and the function's state in moto.
 */
class LambdaSnapStartTest {
    private static final String FN = "cv-analytics-processor";

    @Test
    void snapStartIsSentOnCreateAndUpdateAndEachVersionIsWaitedOnUntilActive(@TempDir Path dir) throws Exception {
        Tools.require(
                Moto.locate(System.getenv()) != null,
                "moto_server (pip install 'moto[server]')",
                "Lambda SnapStart deploys");
        List<SdkRequest> sent = new ArrayList<>();
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                synchronized (sent) {
                    sent.add(context.request());
                }
            }
        };
        try (Moto moto = Moto.start(System.getenv(), dir.resolve("moto.log"))) {
            String role = MotoRoles.lambdaRole(moto.endpoint(), "cva-snapstart-test");
            LambdaClient lambda = LambdaClient.builder()
                    .region(Region.EU_WEST_2)
                    .endpointOverride(moto.endpoint())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .overrideConfiguration(o -> o.addExecutionInterceptor(recorder))
                    .build();
            try (DeployTarget target =
                    new AwsLambdaTarget(lambda, s -> FN, s -> "{}".getBytes(StandardCharsets.UTF_8), s -> List.of())) {
                // created with SnapStart (cva.yaml's default), version 1 waited on until Active
                DeployTarget.Revision v1 = target.deploy(plan(dir, "one", null, true, role), m -> {});
                assertThat(v1.id()).isEqualTo("1");
                CreateFunctionRequest create =
                        only(sent, CreateFunctionRequest.class).get(0);
                assertThat(create.snapStart().applyOn()).isEqualTo(SnapStartApplyOn.PUBLISHED_VERSIONS);
                assertThat(waitedOn(sent)).containsExactly("1");

                // updated: the configuration carries SnapStart again, before the version is published
                sent.clear();
                DeployTarget.Revision v2 = target.deploy(plan(dir, "two", true, false, role), m -> {});
                assertThat(v2.id()).isEqualTo("2");
                UpdateFunctionConfigurationRequest update =
                        only(sent, UpdateFunctionConfigurationRequest.class).get(0);
                assertThat(update.snapStart().applyOn()).isEqualTo(SnapStartApplyOn.PUBLISHED_VERSIONS);
                assertThat(sent.indexOf(update))
                        .isLessThan(sent.indexOf(
                                only(sent, PublishVersionRequest.class).get(0)));
                assertThat(waitedOn(sent)).containsExactly("2");

                // snapStart: false turns it off explicitly (a function that had it keeps none)
                sent.clear();
                target.deploy(plan(dir, "three", false, false, role), m -> {});
                assertThat(only(sent, UpdateFunctionConfigurationRequest.class)
                                .get(0)
                                .snapStart()
                                .applyOn())
                        .isEqualTo(SnapStartApplyOn.NONE);
                assertThat(lambda.getFunctionConfiguration(
                                        b -> b.functionName(FN).qualifier("3"))
                                .stateAsString())
                        .isEqualTo("Active");
            }
        }
    }

    /** The qualifiers GetFunctionConfiguration was asked for (the published-version-active waiter's polls). */
    private static List<String> waitedOn(List<SdkRequest> sent) {
        return only(sent, GetFunctionConfigurationRequest.class).stream()
                .map(GetFunctionConfigurationRequest::qualifier)
                .filter(q -> q != null)
                .distinct()
                .toList();
    }

    private static <T> List<T> only(List<SdkRequest> sent, Class<T> type) {
        synchronized (sent) {
            return sent.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    private static DeployPlan plan(Path dir, String content, Boolean snapStart, boolean create, String role)
            throws Exception {
        Path jar = dir.resolve(content + ".jar");
        try (OutputStream out = Files.newOutputStream(jar);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e = new ZipEntry("content.txt");
            e.setTime(0);
            zip.putNextEntry(e);
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
        CvaConfig.Service spec = new CvaConfig.Service(
                CvaConfig.Cloud.AWS,
                "services/processor",
                "dev.cva.processor.ProcessorHandler::handleRequest",
                null,
                "java21",
                512,
                30,
                null,
                null,
                null,
                snapStart,
                null,
                null);
        return new DeployPlan("processor", spec, FN, jar, sha, "1.0.0", "abc1234", false, create, role, Instant.now());
    }
}
