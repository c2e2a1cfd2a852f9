package dev.cva.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    static final String SECRET = "whsec_dGVzdC1zZWNyZXQtdGhhdC1tdXN0LW5vdC1sZWFr";
    static final String GOOD = """
            project: t
            services:
              receiver:
                cloud: gcp
                module: services/receiver
                entryPoint: dev.cva.receiver.ReceiverFunction
                runtime: java25
                memoryMb: 256
            environments:
              local:
                aws:
                  region: us-east-1
                gcp:
                  project: demo-test
                webhook:
                  secret: %s
              prod:
                aws:
                  region: eu-west-1
            """.formatted(SECRET);

    @TempDir
    Path dir;

    CliHarness cva(String yaml) throws Exception {
        Files.writeString(dir.resolve("cva.yaml"), yaml);
        return new CliHarness(dir).cwd(dir);
    }

    JsonNode show(CliHarness cli, String... extra) throws Exception {
        String[] args = new String[extra.length + 3];
        args[0] = "config";
        args[1] = "show";
        args[2] = "--json";
        System.arraycopy(extra, 0, args, 3, extra.length);
        CliHarness.Result r = cli.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return CvaContext.json().readTree(r.out());
    }

    @Test
    void precedenceIsFlagThenEnvironmentThenFileThenDefault() throws Exception {
        CliHarness cli = cva(GOOD);
        JsonNode fromFile = show(cli).path("settings");
        assertThat(fromFile.path("aws.region").path("value").asText()).isEqualTo("us-east-1");
        assertThat(fromFile.path("aws.region").path("source").asText()).isEqualTo("file");
        assertThat(fromFile.path("aws.region").path("origin").asText()).endsWith("cva.yaml:12");
        assertThat(fromFile.path("aws.queue").path("source").asText()).isEqualTo("default");
        assertThat(fromFile.path("aws.queue").path("value").asText()).isEqualTo("cv-analytics-queue.fifo");

        JsonNode fromEnv = show(cli.env("CVA_AWS_REGION", "ap-south-1")).path("settings");
        assertThat(fromEnv.path("aws.region").path("value").asText()).isEqualTo("ap-south-1");
        assertThat(fromEnv.path("aws.region").path("origin").asText()).isEqualTo("CVA_AWS_REGION");

        // The environment flag beats CVA_ENV, which beats the default (local).
        assertThat(show(cva(GOOD)).path("environment").asText()).isEqualTo("local");
        CliHarness withEnv = cva(GOOD).env("CVA_ENV", "prod");
        assertThat(show(withEnv).path("environment").asText()).isEqualTo("prod");
        assertThat(show(withEnv, "--env", "local").path("environment").asText()).isEqualTo("local");
    }

    @Test
    void theEnvironmentFlagBeforeTheCommandMayNameAnEnvironmentThatIsAlsoACommand() throws Exception {
        // 'local' is both an environment and a command: 'cva --env local config show' must still mean the former
        CliHarness withEnv = cva(GOOD).env("CVA_ENV", "prod");
        CliHarness.Result r = withEnv.run("--env", "local", "config", "show", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(CvaContext.json().readTree(r.out()).path("environment").asText())
                .isEqualTo("local");
        CliHarness.Result prod = cva(GOOD).run("-e", "prod", "config", "show", "--json");
        assertThat(CvaContext.json().readTree(prod.out()).path("environment").asText())
                .isEqualTo("prod");
    }

    @Test
    void configFileFlagBeatsCvaConfigVariableBeatsSearch() throws Exception {
        Path other = dir.resolve("other.yaml");
        Files.writeString(other, GOOD.replace("us-east-1", "sa-east-1"));
        CliHarness cli = cva(GOOD).env("CVA_CONFIG", other.toString());
        assertThat(show(cli).path("settings").path("aws.region").path("value").asText())
                .isEqualTo("sa-east-1");
        assertThat(show(cli, "--config", dir.resolve("cva.yaml").toString())
                        .path("settings")
                        .path("aws.region")
                        .path("value")
                        .asText())
                .isEqualTo("us-east-1");
        Path nested = Files.createDirectories(dir.resolve("a/b"));
        assertThat(show(cva(GOOD).cwd(nested)).path("configFile").asText())
                .isEqualTo(dir.resolve("cva.yaml").toString());
    }

    @Test
    void secretsAreMaskedInTextAndJson() throws Exception {
        CliHarness cli = cva(GOOD).env("CVA_WEBHOOK_SECRET_PREVIOUS", "whsec_cHJldmlvdXMtc2VjcmV0LXJvdGF0aW9uLXZhbHVl");
        CliHarness.Result text = cli.run("config", "show");
        CliHarness.Result json = cli.run("config", "show", "--json");
        for (CliHarness.Result r : new CliHarness.Result[] {text, json}) {
            assertThat(r.exitCode()).isZero();
            assertThat(r.out() + r.err())
                    .doesNotContain(SECRET.substring(6))
                    .doesNotContain("cHJldmlvdXMtc2VjcmV0")
                    .contains("whsec_****(sha256:");
        }
    }

    @Test
    void badYamlNamesFileAndLine() throws Exception {
        CliHarness.Result r =
                cva("services:\n  receiver:\n    cloud: gcp\n   module: x\n").run("config", "show");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).containsPattern("cva\\.yaml:\\d+: invalid YAML");
    }

    @Test
    void unknownKeyNamesFileLineAndKey() throws Exception {
        CliHarness.Result r = cva(GOOD.replace("    memoryMb: 256", "    memoryMb: 256\n    memroy: 1"))
                .run("config", "show");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("cva.yaml:9: unknown key 'memroy' in services.receiver")
                .contains("memoryMb");
    }

    @Test
    void aRedriveTimeoutThatLeavesNoTimeToSendIsRefusedWithItsKey() throws Exception {
        String notifier = """
                  notifier:
                    cloud: aws
                    module: services/notifier
                    handler: dev.cva.notifier.NotifierHandler::handleRequest
                    runtime: java21
                    memoryMb: 512
                    redrive:
                      handler: dev.cva.notifier.redrive.RedriveHandler::handleRequest
                      timeoutSeconds: %d
                environments:""";
        CliHarness.Result bad =
                cva(GOOD.replaceFirst("environments:", notifier.formatted(15))).run("config", "show");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err()).contains("services.notifier.redrive.timeoutSeconds: 15 is outside 20..900");
        CliHarness.Result ok =
                cva(GOOD.replaceFirst("environments:", notifier.formatted(70))).run("config", "show");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
    }

    @Test
    void dashboardReadersAreAListOfAddressesFromTheFileOrTheirVariable() throws Exception {
        String readers = GOOD.replace(
                "  prod:\n", "    dashboard:\n      readers: [Owner@Example.com, second@example.co.uk]\n  prod:\n");
        JsonNode fromFile = show(cva(readers)).path("settings").path("dashboard.readers");
        assertThat(fromFile.path("value").asText()).isEqualTo("Owner@Example.com,second@example.co.uk");
        assertThat(fromFile.path("origin").asText()).endsWith("cva.yaml:18");
        JsonNode fromEnv = show(cva(readers).env("CVA_DASHBOARD_READERS", "a@example.com, b@example.com"))
                .path("settings")
                .path("dashboard.readers");
        assertThat(fromEnv.path("value").asText()).isEqualTo("a@example.com, b@example.com");

        // a reader that is no address would not fit the rules' list literal: refused with its key and line
        CliHarness.Result bad = cva(readers.replace("second@example.co.uk", "'x\"] || true || [\"'"))
                .run("config", "show");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err())
                .contains(
                        "cva.yaml:18: environments.local.dashboard.readers: 'x\"] || true || [\"' is not an e-mail address");
        CliHarness.Result single = cva(readers.replace("[Owner@Example.com, second@example.co.uk]", "owner"))
                .run("config", "show");
        assertThat(single.exitCode()).as(single.toString()).isEqualTo(2);
        assertThat(single.err()).contains("cva.yaml:18: environments.local.dashboard.readers: expected");
    }

    @Test
    void wrongTypeNamesFileLineAndKey() throws Exception {
        CliHarness.Result r =
                cva(GOOD.replace("memoryMb: 256", "memoryMb: lots")).run("config", "show");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("cva.yaml:8: services.receiver.memoryMb: expected a whole number but found 'lots'");
    }

    @Test
    void missingRequiredFieldNamesTheKey() throws Exception {
        CliHarness.Result r = cva(GOOD.replace("    runtime: java25\n", "")).run("config", "show");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cva.yaml:3: services.receiver: missing required key 'runtime'");
        CliHarness.Result gcp = cva(GOOD.replace("    entryPoint: dev.cva.receiver.ReceiverFunction\n", ""))
                .run("config", "show");
        assertThat(gcp.exitCode()).isEqualTo(2);
        assertThat(gcp.err()).contains("cva.yaml:3: services.receiver: missing required key 'entryPoint'");
    }

    @Test
    void wrongTypeFromAnEnvironmentVariableNamesTheVariable() throws Exception {
        CliHarness.Result r = cva(GOOD).env("CVA_BUDGET_MONTHLY_GBP", "lots").run("config", "show");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("CVA_BUDGET_MONTHLY_GBP: budget.monthlyGbp: expected a number but found 'lots'");
    }

    @Test
    void unknownEnvironmentAndMissingFileAreUsageErrors() throws Exception {
        CliHarness.Result env = cva(GOOD).run("config", "show", "--env", "staging");
        assertThat(env.exitCode()).isEqualTo(2);
        assertThat(env.err()).contains("unknown environment 'staging'").contains("known environments: local, prod");
        CliHarness.Result file = cva(GOOD).run("config", "show", "--config", "nope.yaml");
        assertThat(file.exitCode()).isEqualTo(2);
        assertThat(file.err()).contains("nope.yaml does not exist");
    }

    @Test
    void withoutAnyFileTheBuiltInConfigurationIsUsed() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("elsewhere"));
        // Search stops at the filesystem root; a temp folder has no cva.yaml above it.
        JsonNode shown = show(new CliHarness(empty).cwd(empty));
        assertThat(shown.path("configFile").isNull()).isTrue();
        assertThat(shown.path("services").has("processor")).isTrue();
    }

    @Test
    void coldStartKeysAreShownWithTheirDefaultsAndRefusedWhereTheyDoNotApply() throws Exception {
        String receiver = "    memoryMb: 256\n";
        String processor =
                SOURCES.replace("    timeoutSeconds: 30\n", "    timeoutSeconds: 30\n    snapStart: false\n");
        String yaml = GOOD.replace(receiver, receiver + "    minInstances: 1\n    cpuBoost: true\n")
                .replaceFirst("environments:", processor);
        CliHarness cli = cva(yaml);
        JsonNode services = show(cli).path("services");
        assertThat(services.path("receiver").path("minInstances").asInt()).isEqualTo(1);
        assertThat(services.path("receiver").path("cpuBoost").asBoolean()).isTrue();
        assertThat(services.path("processor").path("snapStart").asBoolean(true)).isFalse();
        assertThat(services.path("notifier").path("snapStart").isNull())
                .as("as written: absent")
                .isTrue();
        CliHarness.Result table = cli.run("config", "show");
        assertThat(table.out()).contains("COLD START", "min 1, CPU boost", "no SnapStart", "SnapStart");

        // where a key does not apply, or a count Cloud Run refuses: the file, the line, the key
        for (String[] bad : new String[][] {
            {
                receiver,
                receiver + "    snapStart: true\n",
                "services.receiver.snapStart: Lambda SnapStart is for aws services"
            },
            {receiver, receiver + "    minInstances: -1\n", "services.receiver.minInstances: -1 is outside 0..1000"}
        }) {
            CliHarness.Result r = cva(GOOD.replace(bad[0], bad[1])).run("config", "show");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("cva.yaml:9: " + bad[2]);
        }
        CliHarness.Result lambda =
                withSources("    timeoutSeconds: 30\n", "    timeoutSeconds: 30\n    cpuBoost: true\n");
        assertThat(lambda.exitCode()).as(lambda.toString()).isEqualTo(2);
        assertThat(lambda.err())
                .contains("services.processor.cpuBoost: for gcp functions (an aws service has snapStart)");
    }

    @Test
    void envVariableNamesFollowTheKeys() {
        assertThat(Settings.envVarFor("aws.queryEventsTable")).isEqualTo("CVA_AWS_QUERY_EVENTS_TABLE");
        assertThat(Settings.envVarFor("webhook.secret")).isEqualTo("CVA_WEBHOOK_SECRET");
        assertThat(Settings.envVarFor("webhook.secretPrevious")).isEqualTo("CVA_WEBHOOK_SECRET_PREVIOUS");
    }

    /** The processor on its SQS FIFO queue and the notifier on the stream, each line replaceable by a test. */
    static final String SOURCES = """
              processor:
                cloud: aws
                module: services/processor
                handler: dev.cva.processor.ProcessorHandler::handleRequest
                runtime: java21
                memoryMb: 512
                timeoutSeconds: 30
                eventSource:
                  batchSize: 10
                  maximumConcurrency: 5
                  maximumBatchingWindowSeconds: 0
                  visibilityTimeoutSeconds: 180
              notifier:
                cloud: aws
                module: services/notifier
                handler: dev.cva.notifier.NotifierHandler::handleRequest
                runtime: java21
                timeoutSeconds: 60
                eventSource:
                  batchSize: 200
                  startingPosition: TRIM_HORIZON
                  maximumRetryAttempts: 3
                  maximumRecordAgeInSeconds: 86400
                  parallelizationFactor: 1
            environments:""";

    CliHarness.Result withSources(String from, String to) throws Exception {
        String sources = SOURCES.replace(from, to);
        assertThat(sources).as("the test replaced " + from).isNotEqualTo(SOURCES);
        return cva(GOOD.replaceFirst("environments:", sources)).run("config", "show");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> {1}")
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                // a batching window on the FIFO source: AWS refuses it
                "maximumBatchingWindowSeconds: 0|maximumBatchingWindowSeconds: 5|services.processor.eventSource.maximumBatchingWindowSeconds: 5: AWS Lambda does not support a batching window on an SQS FIFO queue",
                "batchSize: 10|batchSize: 11|services.processor.eventSource.batchSize: 11 is outside 1..10",
                "maximumConcurrency: 5|maximumConcurrency: 1|services.processor.eventSource.maximumConcurrency: 1 is outside 2..1000",
                "maximumConcurrency: 5|maximumConcurrency: 1001|services.processor.eventSource.maximumConcurrency: 1001 is outside 2..1000",
                "visibilityTimeoutSeconds: 180|visibilityTimeoutSeconds: 179|services.processor.eventSource.visibilityTimeoutSeconds: 179 is below six times the function's timeout (6 x 30 s = 180 s)",
                "visibilityTimeoutSeconds: 180|visibilityTimeoutSeconds: 43201|services.processor.eventSource.visibilityTimeoutSeconds: 43201 is outside 0..43200",
                "batchSize: 200|batchSize: 10001|services.notifier.eventSource.batchSize: 10001 is outside 1..10000",
                "maximumRetryAttempts: 3|maximumRetryAttempts: -2|services.notifier.eventSource.maximumRetryAttempts: -2 is outside -1..10000",
                "maximumRetryAttempts: 3|maximumRetryAttempts: 10001|services.notifier.eventSource.maximumRetryAttempts: 10001 is outside -1..10000",
                "maximumRecordAgeInSeconds: 86400|maximumRecordAgeInSeconds: 59|services.notifier.eventSource.maximumRecordAgeInSeconds: 59 is outside -1 (forever) or 60..604800",
                "maximumRecordAgeInSeconds: 86400|maximumRecordAgeInSeconds: 604801|services.notifier.eventSource.maximumRecordAgeInSeconds: 604801 is outside -1 (forever) or 60..604800",
                "parallelizationFactor: 1|parallelizationFactor: 0|services.notifier.eventSource.parallelizationFactor: 0 is outside 1..10",
                "parallelizationFactor: 1|parallelizationFactor: 11|services.notifier.eventSource.parallelizationFactor: 11 is outside 1..10",
                "startingPosition: TRIM_HORIZON|startingPosition: AT_TIMESTAMP|services.notifier.eventSource.startingPosition: AT_TIMESTAMP: a DynamoDB stream starts at TRIM_HORIZON or LATEST",
                "timeoutSeconds: 30|timeoutSeconds: 901|services.processor.timeoutSeconds: 901 is outside 1..900",
                "timeoutSeconds: 30|timeoutSeconds: 0|services.processor.timeoutSeconds: 0 is outside 1..900",
                "memoryMb: 512|memoryMb: 127|services.processor.memoryMb: 127 is outside 128..10240",
                "memoryMb: 512|memoryMb: 10241|services.processor.memoryMb: 10241 is outside 128..10240",
            })
    void aSettingTheCloudRefusesIsRefusedWithItsFileLineAndKey(String from, String to, String message)
            throws Exception {
        CliHarness.Result r = withSources(from, to);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        String key = to.substring(0, to.indexOf(':'));
        String yaml = GOOD.replaceFirst("environments:", SOURCES.replace(from, to));
        int line = yaml.lines()
                        .toList()
                        .indexOf(yaml.lines()
                                .filter(l -> l.strip().equals(to))
                                .findFirst()
                                .orElseThrow())
                + 1;
        assertThat(r.err())
                .as("names the file, the line of %s and why", key)
                .contains("cva.yaml:" + line + ": " + message);
    }

    @Test
    void theEdgesAwsAcceptsAreAccepted() throws Exception {
        for (String[] edge : new String[][] {
            {"visibilityTimeoutSeconds: 180", "visibilityTimeoutSeconds: 43200"},
            {"maximumConcurrency: 5", "maximumConcurrency: 2"},
            {"maximumConcurrency: 5", "maximumConcurrency: 1000"},
            {"batchSize: 10", "batchSize: 1"},
            {"batchSize: 200", "batchSize: 10000"},
            {"maximumRetryAttempts: 3", "maximumRetryAttempts: -1"},
            {"maximumRecordAgeInSeconds: 86400", "maximumRecordAgeInSeconds: -1"},
            {"maximumRecordAgeInSeconds: 86400", "maximumRecordAgeInSeconds: 60"},
            {"parallelizationFactor: 1", "parallelizationFactor: 10"},
            {"timeoutSeconds: 30", "timeoutSeconds: 1"},
            {"memoryMb: 512", "memoryMb: 10240"}
        }) {
            CliHarness.Result r = withSources(edge[0], edge[1]);
            assertThat(r.exitCode()).as(edge[1] + ": " + r).isZero();
        }
        // without a visibility setting the queue takes six times the timeout: nothing to refuse
        assertThat(withSources("      visibilityTimeoutSeconds: 180\n", "").exitCode())
                .isZero();
    }

    @Test
    void theRepositoryConfigurationIsValid() {
        CliHarness.Result r = new CliHarness(dir).cwd(CliHarness.repoRoot()).run("config", "show", "--env", "prod");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }
}
