package dev.cva.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.MotoRoles;
import dev.cva.cli.audit.AuditEntry;
import dev.cva.cli.audit.AuditLogFile;
import dev.cva.cli.audit.Audits;
import dev.cva.local.Child;
import dev.cva.local.Moto;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;

/**
 * {@code cva deploy|rollback|status --env prod} against moto's Lambda control plane, through the real SDK client:
 * the command has no endpoint override; the SDK itself honours {@code aws.endpointUrlLambda} (the system property
 * twin of {@code AWS_ENDPOINT_URL_LAMBDA}). Every outcome is checked against moto with an independent client.
 *
 * <p>The smoke test runs: moto's Docker-less Lambda ({@code use_docker: false}) answers an Invoke with the event it
 * was sent, so the smoke passes; with {@code use_docker: true} moto runs the function in Docker, and as this moto's
 * {@code DOCKER_HOST} leads nowhere, every Invoke answers a function error ({@code X-Amz-Function-Error: Handled}),
 * as AWS does for a version that fails: the deploy rolls the alias back.
 */
class AwsDeployTest {
    private static final String FN = "cv-analytics-processor";
    private static final String ROLE = "arn:aws:iam::123456789012:role/cva-deploy-test";
    private static Child moto;
    private static URI endpoint;
    private static LambdaClient lambda;
    private static CloudWatchLogsClient auditLogs;

    @BeforeAll
    static void startMoto(@TempDir Path logs) throws Exception {
        int port = Child.freePort();
        endpoint = URI.create("http://127.0.0.1:" + port);
        moto = Child.start(
                "moto",
                Moto.command(System.getenv(), port),
                Map.of("PYTHONUNBUFFERED", "1", "DOCKER_HOST", "unix://" + logs.resolve("no-docker.sock")),
                logs.resolve("moto.log"));
        moto.await(AwsDeployTest::answers, Duration.ofSeconds(60), "answer to Lambda ListFunctions");
        runFunctionsInDocker(false);
        System.setProperty("aws.endpointUrlLambda", endpoint.toString());
        // the audit trail: the caller from moto's STS, the lines to moto's CloudWatch Logs group /cva/audit
        System.setProperty("aws.endpointUrlSts", endpoint.toString());
        System.setProperty("aws.endpointUrlCloudWatchLogs", endpoint.toString());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        MotoRoles.lambdaRole(endpoint, "cva-deploy-test");
        lambda = LambdaClient.builder()
                .region(Region.EU_WEST_2)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        auditLogs = CloudWatchLogsClient.builder()
                .region(Region.EU_WEST_2)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        auditLogs.createLogGroup(b -> b.logGroupName(Audits.AWS_LOG_GROUP));
    }

    /** The audit lines in moto's /cva/audit since {@code from} (every stream), oldest first. */
    private static List<AuditEntry> auditLines(int from) {
        List<AuditEntry> lines = new java.util.ArrayList<>();
        auditLogs
                .filterLogEventsPaginator(b -> b.logGroupName(Audits.AWS_LOG_GROUP))
                .events()
                .forEach(e -> lines.add(AuditEntry.parse(e.message())));
        return lines.subList(Math.min(from, lines.size()), lines.size());
    }

    @AfterAll
    static void stopMoto() {
        System.clearProperty("aws.endpointUrlLambda");
        System.clearProperty("aws.endpointUrlSts");
        System.clearProperty("aws.endpointUrlCloudWatchLogs");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (lambda != null) {
            lambda.close();
        }
        if (moto != null) {
            moto.stop();
        }
    }

    private static boolean answers() {
        try {
            return HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(endpoint.resolve("/2015-03-31/functions/"))
                                            .timeout(Duration.ofSeconds(2))
                                            .header(
                                                    "Authorization",
                                                    "AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-2/lambda/aws4_request, "
                                                            + "SignedHeaders=host, Signature=x")
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** moto's switch between its Docker-less Lambda and the one that runs functions (each keeps its own functions). */
    private static void runFunctionsInDocker(boolean docker) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(endpoint.resolve("/moto-api/config"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"lambda\":{\"use_docker\":" + docker + "}}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(CvaContext.json()
                        .readTree(r.body())
                        .path("lambda")
                        .path("use_docker")
                        .asBoolean())
                .isEqualTo(docker);
    }

    @Test
    void deploysNoChangeCanaryPromoteRollbackAndStatus(@TempDir Path dir) throws Exception {
        int audited = auditLines(0).size();
        try (DeployProject p = new DeployProject(dir)) {
            p.tag("processor-v1.0.0");
            String first = p.head();
            Path a = p.jar("a.jar", "first build");

            // Terraform owns the function: without --create cva does not create it
            CliHarness.Result missing = p.cli().run("deploy", "processor", "--env", "prod", "--artifact", a.toString());
            assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
            assertThat(missing.err()).contains("does not exist").contains("--create");

            CliHarness.Result created = p.cli()
                    .run(
                            "deploy",
                            "processor",
                            "--env",
                            "prod",
                            "--artifact",
                            a.toString(),
                            "--create",
                            "--role",
                            ROLE,
                            "--json");
            assertThat(created.exitCode()).as(created.toString()).isZero();
            JsonNode c = json(created);
            assertThat(c.path("outcome").asText()).isEqualTo("deployed");
            // the smoke test invoked version 1 with an SQS batch (moto's Docker-less Lambda answers with the event)
            assertThat(c.path("smoke").path("passed").asBoolean())
                    .as(created.toString())
                    .isTrue();
            assertThat(c.path("smoke").path("detail").asText())
                    .startsWith("invoked version 1: { \"Records\" : [ { \"messageId\" : \"cva-smoke-1\"");
            assertThat(c.path("to").path("revision").asText()).isEqualTo("1");
            assertThat(c.path("sha").asText()).isEqualTo(first);
            assertThat(c.path("dirty").asBoolean()).isFalse();
            assertThat(c.path("traffic").path("1").asInt()).isEqualTo(100);
            // independently: the alias, the version's code hash and the recorded provenance
            assertThat(lambda.getAlias(b -> b.functionName(FN).name("live")).functionVersion())
                    .isEqualTo("1");
            var v1 = lambda.getFunctionConfiguration(b -> b.functionName(FN).qualifier("1"));
            assertThat(v1.codeSha256()).isEqualTo(base64Sha256(a));
            assertThat(v1.description())
                    .contains("version=1.0.0", "git=" + first, "dirty=false", "sha256=" + hexSha256(a));
            assertThat(v1.handler()).isEqualTo("dev.cva.processor.ProcessorHandler::handleRequest");
            assertThat(v1.memorySize()).isEqualTo(512);
            assertThat(v1.timeout()).isEqualTo(30);

            // the same artifact again: no change, exit 4, nothing published
            CliHarness.Result same =
                    p.cli().run("deploy", "processor", "--env", "prod", "--artifact", a.toString(), "--json");
            assertThat(same.exitCode()).as(same.toString()).isEqualTo(4);
            assertThat(json(same).path("outcome").asText()).isEqualTo("no-change");
            assertThat(versions()).isEqualTo(1);

            p.version("processor", "1.1.0");
            String second = p.commit("feat(processor): faster").name();
            Path b = p.jar("b.jar", "second build");

            // --dry-run prints the plan and touches nothing
            CliHarness.Result plan =
                    p.cli().run("deploy", "processor", "--env", "prod", "--artifact", b.toString(), "--dry-run");
            assertThat(plan.exitCode()).as(plan.toString()).isZero();
            assertThat(plan.out())
                    .contains(
                            "planned",
                            "1 (1.0.0 " + first.substring(0, 7) + ")",
                            "new (1.1.0 " + second.substring(0, 7) + ")");
            assertThat(versions()).isEqualTo(1);

            // a canary: 10% on version 2 through the alias's weighted routing
            CliHarness.Result canary = p.cli()
                    .run(
                            "deploy",
                            "processor",
                            "--env",
                            "prod",
                            "--artifact",
                            b.toString(),
                            "--canary",
                            "10",
                            "--json");
            assertThat(canary.exitCode()).as(canary.toString()).isZero();
            assertThat(json(canary).path("smoke").path("detail").asText()).startsWith("invoked version 2: ");
            GetAliasResponse split = lambda.getAlias(x -> x.functionName(FN).name("live"));
            assertThat(split.functionVersion()).isEqualTo("1");
            assertThat(split.routingConfig().additionalVersionWeights()).isEqualTo(Map.of("2", 0.1));
            assertThat(json(canary).path("traffic").path("2").asInt()).isEqualTo(10);

            CliHarness.Result status = p.cli().run("status", "processor", "--env", "prod", "--json");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            JsonNode s = json(status).path("services").get(0);
            assertThat(s.path("revision").asText()).isEqualTo("1");
            assertThat(s.path("traffic").path("1").asInt()).isEqualTo(90);
            assertThat(s.path("latestTag").asText()).isEqualTo("processor-v1.0.0");
            assertThat(s.path("drift").asText()).isEqualTo("current");

            CliHarness.Result promote = p.cli().run("deploy", "promote", "processor", "--env", "prod");
            assertThat(promote.exitCode()).as(promote.toString()).isZero();
            GetAliasResponse promoted = lambda.getAlias(x -> x.functionName(FN).name("live"));
            assertThat(promoted.functionVersion()).isEqualTo("2");
            assertThat(
                            promoted.routingConfig() == null
                                    ? Map.of()
                                    : promoted.routingConfig().additionalVersionWeights())
                    .isEmpty();
            assertThat(p.cli()
                            .run("deploy", "promote", "processor", "--env", "prod")
                            .exitCode())
                    .isEqualTo(4);

            CliHarness.Result ahead = p.cli().run("status", "--env", "prod", "--json", "processor");
            assertThat(json(ahead).path("services").get(0).path("drift").asText())
                    .isEqualTo("ahead");

            // rollback: the version before the live one, then forward again by version number
            CliHarness.Result back = p.cli().run("rollback", "processor", "--env", "prod", "--json");
            assertThat(back.exitCode()).as(back.toString()).isZero();
            assertThat(json(back).path("outcome").asText()).isEqualTo("rolled-back");
            assertThat(lambda.getAlias(x -> x.functionName(FN).name("live")).functionVersion())
                    .isEqualTo("1");
            assertThat(p.cli()
                            .run("rollback", "processor", "--env", "prod", "--to", "1.1.0")
                            .exitCode())
                    .isZero();
            assertThat(lambda.getAlias(x -> x.functionName(FN).name("live")).functionVersion())
                    .isEqualTo("2");
            CliHarness.Result unknown = p.cli().run("rollback", "processor", "--env", "prod", "--to", "9.9.9");
            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.err()).contains("known: 2 (1.1.0), 1 (1.0.0)");

            // the audit trail: one line per action that reached AWS (not the dry run, not bad usage), who from STS,
            // in CloudWatch Logs and in the checkout's .cva/audit.log alike
            List<AuditEntry> lines = auditLines(audited);
            assertThat(lines)
                    .extracting(e -> e.action() + " " + e.outcome().wire() + " " + e.before() + " -> " + e.after())
                    .containsExactly(
                            "deploy ok null -> 1 (1.0.0, git " + first.substring(0, 7) + ")",
                            "deploy no-change 1 (1.0.0, git " + first.substring(0, 7) + ") -> 1 (1.0.0, git "
                                    + first.substring(0, 7) + ")",
                            "deploy ok 1 (1.0.0, git " + first.substring(0, 7) + ") -> 2 (1.1.0, git "
                                    + second.substring(0, 7) + ")",
                            "deploy promote ok 1 (1.0.0, git " + first.substring(0, 7) + ") -> 2 (1.1.0, git "
                                    + second.substring(0, 7) + ")",
                            "deploy promote no-change null -> null",
                            "rollback ok 2 (1.1.0, git " + second.substring(0, 7) + ") -> 1 (1.0.0, git "
                                    + first.substring(0, 7) + ")",
                            "rollback ok 1 (1.0.0, git " + first.substring(0, 7) + ") -> 2 (1.1.0, git "
                                    + second.substring(0, 7) + ")");
            assertThat(lines).allSatisfy(e -> {
                assertThat(e.who()).isEqualTo("arn:aws:sts::123456789012:user/moto");
                assertThat(e.environment()).isEqualTo("prod");
                assertThat(e.target()).isEqualTo("processor");
            });
            assertThat(AuditLogFile.in(p.root).read()).containsExactlyElementsOf(lines);
        }
    }

    @Test
    void theNotifiersRedriveFunctionFollowsItsCodeAndTraffic(@TempDir Path dir) throws Exception {
        String notifier = "cv-analytics-notifier";
        String redrive = "cv-analytics-notifier-redrive";
        try (DeployProject p = new DeployProject(dir)) {
            Path a = p.jar("a.jar", "notifier first build");
            // Terraform made the redrive function from a placeholder, with its live alias on version 1
            byte[] placeholder = Files.readAllBytes(p.jar("placeholder.zip", "placeholder"));
            lambda.createFunction(b -> b.functionName(redrive)
                    .role(ROLE)
                    .runtime("java21")
                    .handler("placeholder::handle")
                    .code(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(placeholder))));
            String placeholderVersion =
                    lambda.publishVersion(b -> b.functionName(redrive)).version();
            lambda.createAlias(b -> b.functionName(redrive).name("live").functionVersion(placeholderVersion));

            CliHarness.Result first = p.cli()
                    .run(
                            "deploy",
                            "notifier",
                            "--env",
                            "prod",
                            "--artifact",
                            a.toString(),
                            "--create",
                            "--role",
                            ROLE,
                            "--json");
            assertThat(first.exitCode()).as(first.toString()).isZero();
            // the notifier's smoke test is a DynamoDB stream INSERT
            assertThat(json(first).path("smoke").path("detail").asText())
                    .startsWith("invoked version 1: ")
                    .contains("\"eventName\" : \"INSERT\"", "\"eventSource\" : \"aws:dynamodb\"");
            String live =
                    lambda.getAlias(b -> b.functionName(redrive).name("live")).functionVersion();
            var redriveLive =
                    lambda.getFunctionConfiguration(b -> b.functionName(redrive).qualifier(live));
            assertThat(redriveLive.codeSha256()).isEqualTo(base64Sha256(a));
            assertThat(redriveLive.handler()).isEqualTo("dev.cva.notifier.redrive.RedriveHandler::handleRequest");
            assertThat(redriveLive.timeout())
                    .as("services.notifier.redrive.timeoutSeconds of cva.yaml")
                    .isEqualTo(70);
            assertThat(redriveLive.description())
                    .isEqualTo(lambda.getFunctionConfiguration(
                                    b -> b.functionName(notifier).qualifier("1"))
                            .description());

            // a canary leaves the redrive where it was; the promotion moves it with the notifier
            Path b2 = p.jar("b.jar", "notifier second build");
            assertThat(p.cli()
                            .run("deploy", "notifier", "--env", "prod", "--artifact", b2.toString(), "--canary", "20")
                            .exitCode())
                    .isZero();
            assertThat(lambda.getAlias(b -> b.functionName(redrive).name("live"))
                            .functionVersion())
                    .isEqualTo(live);
            assertThat(p.cli()
                            .run("deploy", "promote", "notifier", "--env", "prod")
                            .exitCode())
                    .isZero();
            String promoted =
                    lambda.getAlias(b -> b.functionName(redrive).name("live")).functionVersion();
            assertThat(lambda.getFunctionConfiguration(
                                    b -> b.functionName(redrive).qualifier(promoted))
                            .codeSha256())
                    .isEqualTo(base64Sha256(b2));

            // a rollback of the notifier takes the redrive back too
            assertThat(p.cli().run("rollback", "notifier", "--env", "prod").exitCode())
                    .isZero();
            assertThat(lambda.getAlias(b -> b.functionName(redrive).name("live"))
                            .functionVersion())
                    .isEqualTo(live);
        }
    }

    @Test
    void aVersionWhoseSmokeInvokeFailsIsRolledBack(@TempDir Path dir) throws Exception {
        runFunctionsInDocker(true);
        try (DeployProject p = new DeployProject(dir)) {
            Path a = p.jar("a.jar", "first build");
            // every Invoke fails in this mode, so the first version goes live without a smoke test
            CliHarness.Result first = p.cli()
                    .run(
                            "deploy",
                            "processor",
                            "--env",
                            "prod",
                            "--artifact",
                            a.toString(),
                            "--no-smoke",
                            "--create",
                            "--role",
                            ROLE);
            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(lambda.getAlias(b -> b.functionName(FN).name("live")).functionVersion())
                    .isEqualTo("1");

            // a full deploy: version 2 takes all traffic, its smoke Invoke answers a function error, back to 1
            p.version("processor", "1.1.0");
            p.commit("feat(processor): second");
            Path b = p.jar("b.jar", "second build");
            CliHarness.Result bad =
                    p.cli().run("deploy", "processor", "--env", "prod", "--artifact", b.toString(), "--json");
            assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
            JsonNode j = json(bad);
            assertThat(j.path("outcome").asText()).isEqualTo("rolled-back");
            assertThat(j.path("smoke").path("passed").asBoolean()).isFalse();
            assertThat(j.path("smoke").path("detail").asText()).startsWith("version 2 answered Handled: ");
            assertThat(j.path("reason").asText()).startsWith("smoke test failed: version 2 answered Handled");
            assertThat(j.path("traffic").path("1").asInt()).isEqualTo(100);
            GetAliasResponse alias = lambda.getAlias(x -> x.functionName(FN).name("live"));
            assertThat(alias.functionVersion()).isEqualTo("1");
            assertThat(
                            alias.routingConfig() == null
                                    ? Map.of()
                                    : alias.routingConfig().additionalVersionWeights())
                    .isEmpty();
            assertThat(versions()).isEqualTo(2);

            // a canary: its 20% weight is taken away again
            p.version("processor", "1.2.0");
            p.commit("feat(processor): third");
            Path c = p.jar("c.jar", "third build");
            CliHarness.Result canary = p.cli()
                    .run(
                            "deploy",
                            "processor",
                            "--env",
                            "prod",
                            "--artifact",
                            c.toString(),
                            "--canary",
                            "20",
                            "--json");
            assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(1);
            assertThat(json(canary).path("outcome").asText()).isEqualTo("rolled-back");
            assertThat(json(canary).path("smoke").path("detail").asText()).startsWith("version 3 answered Handled: ");
            GetAliasResponse after = lambda.getAlias(x -> x.functionName(FN).name("live"));
            assertThat(after.functionVersion()).isEqualTo("1");
            assertThat(
                            after.routingConfig() == null
                                    ? Map.of()
                                    : after.routingConfig().additionalVersionWeights())
                    .isEmpty();

            CliHarness.Result status = p.cli().run("status", "processor", "--env", "prod", "--json");
            assertThat(json(status)
                            .path("services")
                            .get(0)
                            .path("traffic")
                            .path("1")
                            .asInt())
                    .isEqualTo(100);
        } finally {
            runFunctionsInDocker(false);
        }
    }

    @Test
    void localWithoutARunningStackFailsBeforeBuilding(@TempDir Path dir) {
        try (DeployProject p = new DeployProject(dir)) {
            CliHarness.Result r = p.cli().run("deploy", "processor", "--env", "local");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("the local stack is not running", "cva local up --detach");
            assertThat(Files.exists(dir.resolve("services/processor/target"))).isFalse();
            // the failed attempt is audited locally: who is the OS user at local
            List<AuditEntry> audit = AuditLogFile.in(p.root).read();
            assertThat(audit).hasSize(1);
            assertThat(audit.get(0).action()).isEqualTo("deploy");
            assertThat(audit.get(0).outcome()).isEqualTo(AuditEntry.Outcome.failed);
            assertThat(audit.get(0).detail()).contains("the local stack is not running");
            assertThat(audit.get(0).who()).endsWith("@local");
            assertThat(audit.get(0).environment()).isEqualTo("local");
        }
    }

    private static int versions() {
        return (int) lambda.listVersionsByFunction(b -> b.functionName(FN)).versions().stream()
                .filter(v -> !"$LATEST".equals(v.version()))
                .count();
    }

    private static JsonNode json(CliHarness.Result r) throws Exception {
        return CvaContext.json().readTree(r.out());
    }

    private static String base64Sha256(Path file) throws Exception {
        return Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String hexSha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
