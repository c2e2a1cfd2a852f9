package dev.cva.cli.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.Threads;
import dev.cva.local.Moto;
import dev.cva.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every AWS root applies, for real, against one moto server: {@code cva infra apply} of the processor (it owns the
 * queues and tables), then the notifier and the reporter (they read the tables by name), with providers from the
 * local mirror and a local backend (backend_override.tf). Then {@code cva status --resources --env prod} finds every function,
 * live alias, event source mapping, table and queue by the names cva.yaml gives, and {@code cva infra plan} of
 * each root right after shows no change. What moto's server lacks is switched off by variables that default to on
 * (TF_VAR_*, as infra/README.md lists): the budgets, the DLQ's redrive-allow policy. The alarms are read back
 * with the AWS CLI's describe-alarms: the thresholds of cva.yaml's alarms.*, the SNS topic of each service.
 */
class InfraApplyMotoTest {
    static final List<String> ROOTS = List.of("processor", "notifier", "reporter"); // the owner of the tables first

    @TempDir
    Path tmp;

    private CliHarness cli(Path project, Path rc, String root, Moto moto) {
        return new CliHarness(project)
                .env("TF_CLI_CONFIG_FILE", rc.toString())
                .env("TF_DATA_DIR", tmp.resolve("tf-data-" + root).toString()) // one per root: modules differ
                .env("HOME", System.getProperty("user.home"))
                .env("AWS_ENDPOINT_URL", moto.endpoint().toString())
                .env("AWS_ACCESS_KEY_ID", "test")
                .env("AWS_SECRET_ACCESS_KEY", "test")
                // what moto's server lacks (infra/README.md, "Known gaps"); on by default
                .env("TF_VAR_budget_enabled", "false")
                .env("TF_VAR_dlq_redrive_allow_policy", "false")
                .env("TF_VAR_audit_trail_logging", "false")
                // the receiver is GCP (out of scope): the notifier needs its URL
                .env("TF_VAR_receiver_url", "https://receiver.example.test/webhook");
    }

    @Test
    void resourcesAreACloudCheck() {
        CliHarness.Result r = new CliHarness(CliHarness.repoRoot()).run("status", "--resources", "--env", "local");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--resources checks a cloud environment, not the local stack");
    }

    @Test
    void everyAwsRootAppliesToMotoCvaStatusFindsWhatTheCodeExpectsAndAPlanAfterShowsNoChange() throws Exception {
        String why = "terraform apply against moto";
        Tools.require("terraform", why);
        Path mirror = Tools.requireProviderMirror(why);
        Tools.require(Moto.locate(System.getenv()) != null, "moto_server (pip install 'moto[server]')", why);
        Tools.require("aws", "the alarms applied to moto (describe-alarms)");

        Path project = InfraProject.copy(tmp.resolve("project"));
        for (String root : ROOTS) {
            Files.writeString(
                    project.resolve("infra/services/" + root + "/backend_override.tf"),
                    "terraform {\n  backend \"local\" {}\n}\n");
        }
        Path cache = Path.of(System.getProperty("user.home"), ".cache/cva-infra/plugins");
        Files.createDirectories(cache);
        Path rc = tmp.resolve("terraformrc");
        Files.writeString(
                rc,
                "provider_installation {\n  filesystem_mirror {\n    path = \"" + mirror + "\"\n  }\n}\n"
                        + "plugin_cache_dir = \"" + cache + "\"\n");

        long t0 = System.nanoTime();
        try (Moto moto = Moto.start(System.getenv(), tmp.resolve("moto.log"))) {
            // before: nothing is there, and cva status says so resource by resource
            Map<String, Boolean> before = found(status(moto));
            assertThat(before.keySet())
                    .containsExactlyInAnyOrderElementsOf(expected().keySet());
            assertThat(before).allSatisfy((k, v) -> assertThat(v).as(k).isFalse());

            for (String root : ROOTS) {
                CliHarness.Result apply =
                        cli(project, rc, root, moto).run("infra", "apply", root, "--env", "prod", "--yes", "--json");
                assertThat(apply.exitCode()).as(root + ": " + apply).isZero();
                assertThat(apply.err())
                        .as(root)
                        .containsPattern("Apply complete! Resources: \\d+ added, 0 changed, 0 destroyed");
            }
            long applied = System.nanoTime();

            JsonNode status = status(moto);
            Map<String, Boolean> want = expected();
            Map<String, Boolean> got = found(status);
            assertThat(got.keySet()).as(status.toString()).containsExactlyInAnyOrderElementsOf(want.keySet());
            for (JsonNode r : status.path("resources")) {
                String key = r.path("kind").asText() + " " + r.path("name").asText();
                if (r.path("kind").asText().equals("eventSourceMapping")) {
                    // moto's gap: it stores the version the live alias points to (1), where AWS keeps the alias ARN;
                    // cva status reports the right source and function, and that it is not the alias.
                    String fn = r.path("name").asText().replaceAll("^.* -> (.*):live$", "$1");
                    assertThat(r.path("detail").asText())
                            .as(key)
                            .endsWith(":function:" + fn + ":1, not the live alias");
                } else {
                    assertThat(r.path("found").asBoolean()).as(key).isTrue();
                }
            }
            status.path("services")
                    .forEach(s -> assertThat(s.path("revision").asText())
                            .as(s.toString())
                            .isEqualTo("1"));

            // The alarms, as CloudWatch holds them (the AWS CLI: moto's server does not speak the Java SDK's CBOR)
            Map<String, JsonNode> alarms = alarms(moto);
            JsonNode yaml = new YAMLMapper()
                    .readTree(CliHarness.repoRoot().resolve("cva.yaml").toFile());
            JsonNode aws = yaml.path("environments").path("prod").path("aws");
            JsonNode thresholds = yaml.path("environments").path("prod").path("alarms");
            String topic = ":cv-analytics-%s-alarms";
            JsonNode iterator = alarms.get("cv-analytics-notifier-stream-iterator-age");
            assertThat(iterator).as(alarms.keySet().toString()).isNotNull();
            assertThat(iterator.path("Namespace").asText()).isEqualTo("AWS/Lambda");
            assertThat(iterator.path("MetricName").asText()).isEqualTo("IteratorAge");
            assertThat(iterator.path("Statistic").asText()).isEqualTo("Maximum");
            assertThat(iterator.path("Dimensions").toString()).contains("\"Value\":\"cv-analytics-notifier\"");
            assertThat(iterator.path("Threshold").asDouble())
                    .isEqualTo(thresholds.path("streamIteratorAgeSeconds").asDouble() * 1000);
            assertThat(iterator.path("AlarmActions").get(0).asText()).endsWith(String.format(topic, "notifier"));
            for (String[] q : new String[][] {
                {"queue", "eventQueueOldestMessageSeconds", "processor"},
                {"webhookDlq", "webhookDlqOldestMessageSeconds", "notifier"}
            }) {
                String name = aws.path(q[0]).asText() + "-oldest-message";
                JsonNode age = alarms.get(name);
                assertThat(age).as(name + " in " + alarms.keySet()).isNotNull();
                assertThat(age.path("MetricName").asText()).isEqualTo("ApproximateAgeOfOldestMessage");
                assertThat(age.path("Dimensions").toString())
                        .contains("\"Value\":\"" + aws.path(q[0]).asText() + "\"");
                assertThat(age.path("Threshold").asDouble())
                        .isEqualTo(thresholds.path(q[1]).asDouble());
                assertThat(age.path("AlarmActions").get(0).asText()).endsWith(String.format(topic, q[2]));
            }
            JsonNode report = alarms.get("cv-analytics-reporter-report-not-sent");
            assertThat(report).as(alarms.keySet().toString()).isNotNull();
            assertThat(report.path("Namespace").asText()).isEqualTo("CvAnalytics");
            assertThat(report.path("MetricName").asText()).isEqualTo("ReportsSent");
            assertThat(report.path("Statistic").asText()).isEqualTo("Sum");
            assertThat(report.path("ComparisonOperator").asText()).isEqualTo("LessThanThreshold");
            assertThat(report.path("Threshold").asDouble())
                    .isEqualTo(thresholds.path("reportsPerWeek").asDouble());
            assertThat(report.path("TreatMissingData").asText()).isEqualTo("breaching");
            assertThat(report.path("Period").asLong()
                            * report.path("EvaluationPeriods").asLong())
                    .as("CloudWatch evaluates at most 7 days")
                    .isEqualTo(7 * 86_400L);
            assertThat(report.path("AlarmActions").get(0).asText()).endsWith(String.format(topic, "reporter"));

            // The audit trail (processor root): CloudTrail's management events, read and write, every region, to an
            // Object Lock bucket whose policy lets only CloudTrail write; cva's own audit log group.
            JsonNode trail =
                    aws(moto, "cloudtrail", "describe-trails").path("trailList").get(0);
            assertThat(trail).as("describe-trails").isNotNull();
            assertThat(trail.path("Name").asText()).isEqualTo("cv-analytics-audit");
            assertThat(trail.path("IsMultiRegionTrail").asBoolean()).isTrue();
            assertThat(trail.path("IncludeGlobalServiceEvents").asBoolean()).isTrue();
            assertThat(trail.path("LogFileValidationEnabled").asBoolean()).isTrue();
            String bucket = trail.path("S3BucketName").asText();
            assertThat(bucket).isEqualTo("cv-analytics-audit-123456789012");
            JsonNode selectors = aws(moto, "cloudtrail", "get-event-selectors", "--trail-name", "cv-analytics-audit");
            assertThat(selectors
                            .path("EventSelectors")
                            .get(0)
                            .path("ReadWriteType")
                            .asText())
                    .isEqualTo("All");
            assertThat(selectors
                            .path("EventSelectors")
                            .get(0)
                            .path("IncludeManagementEvents")
                            .asBoolean())
                    .isTrue();
            JsonNode lock = aws(moto, "s3api", "get-object-lock-configuration", "--bucket", bucket)
                    .path("ObjectLockConfiguration");
            assertThat(lock.path("ObjectLockEnabled").asText()).isEqualTo("Enabled");
            assertThat(lock.path("Rule").path("DefaultRetention").path("Mode").asText())
                    .isEqualTo("GOVERNANCE");
            assertThat(lock.path("Rule").path("DefaultRetention").path("Days").asInt())
                    .isEqualTo(365);
            JsonNode policy = CvaContext.json()
                    .readTree(aws(moto, "s3api", "get-bucket-policy", "--bucket", bucket)
                            .path("Policy")
                            .asText());
            List<String> writers = new ArrayList<>();
            List<String> denied = new ArrayList<>();
            for (JsonNode st : policy.path("Statement")) {
                if (st.path("Action").toString().contains("s3:PutObject")) {
                    (st.path("Effect").asText().equals("Allow") ? writers : denied)
                            .add(st.path("Principal").toString() + " "
                                    + st.path("Condition").toString());
                }
            }
            assertThat(writers)
                    .singleElement()
                    .asString()
                    .contains("cloudtrail.amazonaws.com", "bucket-owner-full-control", "trail/cv-analytics-audit");
            assertThat(denied)
                    .singleElement()
                    .asString()
                    .contains("StringNotEquals", "aws:PrincipalServiceName", "cloudtrail.amazonaws.com");
            JsonNode groups = aws(
                    moto,
                    "logs",
                    "describe-log-groups",
                    "--log-group-name-prefix",
                    dev.cva.cli.audit.Audits.AWS_LOG_GROUP);
            assertThat(groups.path("logGroups"))
                    .extracting(g -> g.path("logGroupName").asText() + " "
                            + g.path("retentionInDays").asInt())
                    .containsExactly("/cva/audit 400");
            // The restore role (cva backup / cva restore), apart from the functions' and the deploy roles: operators of
            // the account assume it; it may back up and restore the two tables and tables restored from them.
            JsonNode role = aws(moto, "iam", "get-role", "--role-name", "cv-analytics-restore")
                    .path("Role");
            assertThat(role.path("AssumeRolePolicyDocument").toString())
                    .contains("sts:AssumeRole", ":root")
                    .doesNotContain("lambda.amazonaws.com");
            JsonNode restore = aws(
                    moto,
                    "iam",
                    "get-role-policy",
                    "--role-name",
                    "cv-analytics-restore",
                    "--policy-name",
                    "backup-restore");
            String restorePolicy = restore.path("PolicyDocument").toString();
            assertThat(restorePolicy)
                    .contains(
                            "dynamodb:CreateBackup",
                            "dynamodb:RestoreTableFromBackup",
                            "dynamodb:RestoreTableToPointInTime",
                            "dynamodb:UpdateContinuousBackups",
                            "dynamodb:UpdateTimeToLive",
                            "lambda:CreateEventSourceMapping",
                            ":table/" + aws.path("analyticsTable").asText() + "-*",
                            ":table/" + aws.path("queryEventsTable").asText() + "\"",
                            "lambda:UpdateEventSourceMapping",
                            "lambda:UpdateFunctionConfiguration",
                            "lambda:UpdateAlias",
                            ":function:cv-analytics-processor",
                            ":function:cv-analytics-reporter:*");

            // The plan right after: no change but moto's documented gaps (infra/README.md), each of its exact shape.
            for (String root : ROOTS) {
                List<String> changes = planChanges(project, rc, root, moto);
                System.out.println("InfraApplyMotoTest: " + root + " plan after apply: "
                        + (changes.isEmpty() ? "no changes" : changes));
                assertThat(changes).as(root).allSatisfy(c -> assertThat(c).startsWith("moto: "));
                // SnapStart (cva.yaml snapStart, default on) is asked of every function of the root; moto ignores it,
                // so the plan still asks for it: the setting shows there, once per function
                assertThat(changes.stream().filter(c -> c.startsWith("moto: " + SNAP_START_GAP)))
                        .as(root + ": SnapStart on published versions for each function")
                        .hasSize(root.equals("notifier") ? 2 : 1)
                        .allSatisfy(c -> assertThat(c).contains(".snap_start ", "\"apply_on\":\"PublishedVersions\""));
            }
            System.out.printf(
                    "InfraApplyMotoTest: 3 roots applied in %d s, status + 3 plans in %d s%n",
                    (applied - t0) / 1_000_000_000, (System.nanoTime() - applied) / 1_000_000_000);
        }
    }

    /** describe-alarms through the AWS CLI, by alarm name. */
    private Map<String, JsonNode> alarms(Moto moto) throws Exception {
        Map<String, JsonNode> byName = new TreeMap<>();
        aws(moto, "cloudwatch", "describe-alarms")
                .path("MetricAlarms")
                .forEach(a -> byName.put(a.path("AlarmName").asText(), a));
        return byName;
    }

    /** One AWS CLI call against moto, its JSON answer. */
    private JsonNode aws(Moto moto, String... command) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "PATH",
                System.getenv().getOrDefault("PATH", ""),
                "HOME",
                tmp.toString(),
                "AWS_ACCESS_KEY_ID",
                "test",
                "AWS_SECRET_ACCESS_KEY",
                "test",
                "AWS_DEFAULT_REGION",
                "eu-west-2",
                "AWS_PAGER",
                ""));
        List<String> cmd =
                new ArrayList<>(List.of("aws", "--endpoint-url", moto.endpoint().toString()));
        cmd.addAll(List.of(command));
        cmd.addAll(List.of("--output", "json"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(cmd + "\n" + out + err).isZero();
        return CvaContext.json().readTree(out);
    }

    /** cva status --env prod --json in this JVM: the SDK's system properties are the twins of AWS_ENDPOINT_URL and the keys. */
    private JsonNode status(Moto moto) throws Exception {
        System.setProperty("aws.endpointUrl", moto.endpoint().toString());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        try {
            CliHarness.Result r = new CliHarness(tmp.resolve("project"))
                    .run("status", "processor", "notifier", "reporter", "--resources", "--env", "prod", "--json");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            return CvaContext.json().readTree(r.out());
        } finally {
            System.clearProperty("aws.endpointUrl");
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    /**
     * {@code terraform plan} (as {@code cva infra plan} runs it) saved and read back with {@code terraform show
     * -json}: one line per changed attribute, "moto: ..." when it is one of moto's known gaps, else "DRIFT: ...".
     */
    private List<String> planChanges(Path project, Path rc, String root, Moto moto) throws Exception {
        Path dir = project.resolve("infra/services/" + root);
        Path planFile = tmp.resolve("plan-" + root + ".bin");
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "PATH",
                System.getenv().getOrDefault("PATH", ""),
                "HOME",
                System.getProperty("user.home"),
                "TF_CLI_CONFIG_FILE",
                rc.toString(),
                "TF_DATA_DIR",
                tmp.resolve("tf-data-" + root).toString(),
                "TF_IN_AUTOMATION",
                "1",
                "AWS_ENDPOINT_URL",
                moto.endpoint().toString(),
                "AWS_ACCESS_KEY_ID",
                "test",
                "AWS_SECRET_ACCESS_KEY",
                "test"));
        env.putAll(Map.of(
                "TF_VAR_budget_enabled",
                "false",
                "TF_VAR_dlq_redrive_allow_policy",
                "false",
                "TF_VAR_audit_trail_logging",
                "false",
                "TF_VAR_receiver_url",
                "https://receiver.example.test/webhook",
                "TF_VAR_environment",
                "prod"));
        String planOut = terraform(dir, env, "plan", "-input=false", "-no-color", "-out=" + planFile);
        JsonNode plan = CvaContext.json().readTree(terraform(dir, env, "show", "-json", planFile.toString()));
        List<String> out = new ArrayList<>();
        for (JsonNode rc2 : plan.path("resource_changes")) {
            List<String> actions = new ArrayList<>();
            rc2.path("change").path("actions").forEach(a -> actions.add(a.asText()));
            if (actions.equals(List.of("no-op")) || actions.equals(List.of("read"))) {
                continue;
            }
            String address = rc2.path("address").asText();
            if (!actions.equals(List.of("update"))) {
                out.add("DRIFT: " + address + " " + actions + "\n" + planOut);
                continue;
            }
            JsonNode before = rc2.path("change").path("before");
            JsonNode after = rc2.path("change").path("after");
            JsonNode unknown = rc2.path("change").path("after_unknown");
            java.util.Set<String> keys = new java.util.TreeSet<>();
            before.fieldNames().forEachRemaining(keys::add);
            after.fieldNames().forEachRemaining(keys::add);
            // moto's SnapStart gap makes the plan update the function, and an update of a function that publishes
            // would publish a new version: its version and qualified ARNs are unknown until then
            boolean snapStartGap = SNAP_START_GAP.equals(motoGap(
                    rc2.path("type").asText(), "snap_start", before.path("snap_start"), after.path("snap_start")));
            for (String k : keys) {
                if (before.path(k).equals(after.path(k)) && !unknown.path(k).asBoolean(false)) {
                    continue;
                }
                if (snapStartGap
                        && List.of("version", "qualified_arn", "qualified_invoke_arn")
                                .contains(k)
                        && unknown.path(k).asBoolean(false)) {
                    out.add("moto: the SnapStart update would publish a version: " + address + "." + k + " "
                            + before.path(k) + " -> (known after apply)");
                    continue;
                }
                String gap = motoGap(rc2.path("type").asText(), k, before.path(k), after.path(k));
                out.add((gap != null ? "moto: " + gap + ": " : "DRIFT: ") + address + "." + k + " " + before.path(k)
                        + " -> " + after.path(k));
            }
        }
        return out;
    }

    static final String SNAP_START_GAP = "moto keeps no SnapStart (it answers ApplyOn None)";

    /** The perpetual diffs that moto's server causes (infra/README.md, "Known gaps"), recognised by their exact shape. */
    static String motoGap(String type, String attribute, JsonNode before, JsonNode after) throws Exception {
        if (type.equals("aws_lambda_function")
                && attribute.equals("snap_start")
                && (before.isEmpty() || before.path(0).path("apply_on").asText().equals("None"))
                && after.path(0).path("apply_on").asText().equals("PublishedVersions")) {
            return SNAP_START_GAP;
        }
        if (type.equals("aws_lambda_event_source_mapping")
                && attribute.equals("function_name")
                && after.asText().endsWith(":live")
                && before.asText()
                        .matches(java.util.regex.Pattern.quote(after.asText().replaceAll(":live$", "")) + ":\\d+")) {
            return "the mapping's FunctionArn is the alias's version, not the alias";
        }
        if (type.equals("aws_sqs_queue")
                && attribute.equals("redrive_policy")
                && CvaContext.json()
                        .readTree(before.asText())
                        .equals(CvaContext.json().readTree(after.asText()))) {
            return "RedrivePolicy comes back with other whitespace";
        }
        if (type.equals("aws_sesv2_email_identity")
                && attribute.equals("tags_all")
                && before.isEmpty()
                && !after.isEmpty()) {
            return "SESv2 identities keep no tags";
        }
        return null;
    }

    private static String terraform(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("terraform", "-chdir=" + dir));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var err = Threads.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int code = p.waitFor();
        assertThat(code)
                .as("terraform " + String.join(" ", args) + "\n" + out + err.get())
                .isZero();
        return out;
    }

    private static Map<String, Boolean> found(JsonNode status) {
        Map<String, Boolean> found = new TreeMap<>();
        status.path("resources")
                .forEach(r -> found.put(
                        r.path("kind").asText() + " " + r.path("name").asText(),
                        r.path("found").asBoolean()));
        return found;
    }

    /** What the code expects, by the names in cva.yaml (read here, independently of cva's settings). */
    private static Map<String, Boolean> expected() throws Exception {
        JsonNode yaml = new YAMLMapper()
                .readTree(CliHarness.repoRoot().resolve("cva.yaml").toFile());
        JsonNode aws = yaml.path("environments").path("prod").path("aws");
        String project = yaml.path("project").asText();
        Map<String, Boolean> want = new TreeMap<>();
        List<String> functions = new ArrayList<>();
        for (String s : ROOTS) {
            functions.add(project + "-" + s);
        }
        functions.add(project + "-notifier-redrive");
        for (String fn : functions) {
            want.put("function " + fn, true);
            want.put("alias " + fn + ":live", true);
        }
        want.put("eventSourceMapping " + aws.path("queue").asText() + " -> " + project + "-processor:live", true);
        want.put(
                "eventSourceMapping " + aws.path("analyticsTable").asText() + " (stream) -> " + project
                        + "-notifier:live",
                true);
        for (String t : List.of("queryEventsTable", "analyticsTable")) {
            want.put("table " + aws.path(t).asText(), true);
        }
        for (String q : List.of("queue", "dlq", "webhookDlq")) {
            want.put("queue " + aws.path(q).asText(), true);
        }
        return want;
    }
}
