package dev.cva.cli.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cva.cli.CvaException;
import dev.cva.cli.config.CvaConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Drift between cva.yaml and infra/: every service has its root and every root a service, on the right cloud,
 * with its own backend; every resource name and region in cva.yaml is used by exactly one root's resource (or,
 * for a region, by each provider of that cloud) and every name a root takes from cva.yaml exists there; no
 * resource has a hard-coded name; the event source mappings read cva.yaml's eventSource and invoke the live
 * alias; no root reads another's state; no SNS topic an alarm notifies is encrypted with the AWS-managed key
 * {@code alias/aws/sns} (CloudWatch cannot use it, so the alarm would reach no one); no secret value in Terraform's
 * inputs, in cva.yaml outside {@code local}, or in a workflow ({@link SecretScan}).
 */
public final class InfraCheck {

    /** One drift: the service (or "-"), the check and what is wrong. */
    public record Finding(String service, String check, String message) {}

    /** Who uses a cva.yaml name: the owning root and resource(s), and the roots that read it by data source. */
    public record NameUse(String key, String owner, List<String> resources, List<String> readers) {}

    public record Result(Path infra, List<String> roots, List<NameUse> names, List<Finding> findings) {
        public boolean ok() {
            return findings.isEmpty();
        }
    }

    /** cva.yaml keys that are not resource names (endpoints, inputs from another service's output). */
    static final Set<String> NOT_NAMES = Set.of("aws.endpoint", "gcp.receiverUrl");
    /** cva.yaml keys that say where, not what: every root of that cloud uses them in its provider. */
    static final Set<String> LOCATIONS = Set.of("aws.region", "gcp.region", "gcp.project");

    /** Resource types that carry a name, and the attribute that holds it. */
    static final Map<String, String> NAMED = new TreeMap<>(Map.ofEntries(
            Map.entry("aws_sqs_queue", "name"),
            Map.entry("aws_dynamodb_table", "name"),
            Map.entry("aws_secretsmanager_secret", "name"),
            Map.entry("aws_lambda_function", "function_name"),
            Map.entry("aws_cloudwatch_log_group", "name"),
            Map.entry("aws_iam_role", "name"),
            Map.entry("aws_sns_topic", "name"),
            Map.entry("aws_budgets_budget", "name"),
            Map.entry("aws_scheduler_schedule", "name"),
            Map.entry("aws_cloudwatch_metric_alarm", "alarm_name"),
            Map.entry("aws_sesv2_email_identity", "email_identity"),
            Map.entry("google_cloudfunctions2_function", "name"),
            Map.entry("google_secret_manager_secret", "secret_id"),
            Map.entry("google_service_account", "account_id"),
            Map.entry("google_storage_bucket", "name")));

    private static final Pattern LITERAL = Pattern.compile("^\"[^\"$]*\"$");

    private InfraCheck() {}

    /** The roots under {@code <projectRoot>/infra/services}, by service name. */
    public static Map<String, InfraRoot> roots(Path projectRoot) {
        Path services = projectRoot.resolve("infra/services");
        if (!Files.isDirectory(services)) {
            throw CvaException.usage(
                    "no infra/services folder under " + projectRoot,
                    "run cva from the repository that holds cva.yaml and infra/");
        }
        Map<String, InfraRoot> roots = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(services)) {
            dirs.filter(Files::isDirectory)
                    .sorted()
                    .forEach(d -> roots.put(
                            d.getFileName().toString(),
                            InfraRoot.read(d.getFileName().toString(), d)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return roots;
    }

    public static Result run(Path projectRoot, CvaConfig config, String configText) {
        Map<String, InfraRoot> roots = roots(projectRoot);
        List<Finding> findings = new ArrayList<>();
        services(config, roots, findings);
        backends(roots, findings);
        List<NameUse> uses = names(config, configText, roots, findings);
        hardCoded(roots, findings);
        eventSources(config, roots, findings);
        findings.addAll(alarmTopics(projectRoot, roots));
        SecretScan.scan(projectRoot).forEach(f -> findings.add(new Finding("-", "secrets", f)));
        return new Result(projectRoot.resolve("infra"), List.copyOf(roots.keySet()), uses, List.copyOf(findings));
    }

    private static void services(CvaConfig config, Map<String, InfraRoot> roots, List<Finding> findings) {
        config.services().forEach((name, s) -> {
            InfraRoot root = roots.get(name);
            if (root == null) {
                findings.add(new Finding(name, "root", "no Terraform root infra/services/" + name));
                return;
            }
            InfraRoot.Cloud want = s.cloud() == CvaConfig.Cloud.GCP ? InfraRoot.Cloud.GCP : InfraRoot.Cloud.AWS;
            if (root.cloud() != want) {
                findings.add(new Finding(
                        name,
                        "cloud",
                        "cva.yaml says " + want.name().toLowerCase() + " but infra/services/" + name + " requires the "
                                + root.cloud().name().toLowerCase() + " provider"));
            }
        });
        roots.keySet().stream()
                .filter(r -> !config.services().containsKey(r))
                .forEach(r ->
                        findings.add(new Finding(r, "root", "infra/services/" + r + " has no service in cva.yaml")));
    }

    private static void backends(Map<String, InfraRoot> roots, List<Finding> findings) {
        Map<String, String> stateKeys = new LinkedHashMap<>();
        for (InfraRoot root : roots.values()) {
            String want = root.cloud() == InfraRoot.Cloud.GCP ? "gcs" : "s3";
            String got = root.backend().orElse(null);
            if (!want.equals(got)) {
                findings.add(new Finding(
                        root.service(),
                        "backend",
                        "expected a backend \"" + want + "\" block, found "
                                + (got == null ? "none" : "\"" + got + "\"")));
            }
            Path example = root.dir().resolve("backend.hcl.example");
            if (!Files.isRegularFile(example)) {
                findings.add(new Finding(root.service(), "backend", "no backend.hcl.example"));
                continue;
            }
            Map<String, String> settings = HclBlocks.attributes(read(example));
            String key = InfraRoot.unquote(settings.getOrDefault(want.equals("s3") ? "key" : "prefix", ""));
            if (!key.contains(root.service())) {
                findings.add(new Finding(
                        root.service(),
                        "backend",
                        "backend.hcl.example: the state key '" + key + "' does not name the service"));
            }
            if (want.equals("s3") && !settings.containsKey("dynamodb_table") && !settings.containsKey("use_lockfile")) {
                findings.add(
                        new Finding(root.service(), "backend", "backend.hcl.example: no lock table (dynamodb_table)"));
            }
            String other = stateKeys.put(key, root.service());
            if (other != null) {
                findings.add(
                        new Finding(root.service(), "backend", "shares its state key '" + key + "' with " + other));
            }
            root.all("data").keySet().stream()
                    .filter(a -> a.contains("terraform_remote_state"))
                    .forEach(a -> findings.add(new Finding(
                            root.service(),
                            "state",
                            a + ": reads another root's state (read by name through a data source instead)")));
        }
    }

    /** The name keys of cva.yaml: aws.* and gcp.* of every environment. */
    static Set<String> nameKeys(String configText) {
        Set<String> keys = new TreeSet<>();
        try {
            JsonNode envs = new YAMLMapper().readTree(configText).path("environments");
            for (Iterator<JsonNode> it = envs.elements(); it.hasNext(); ) {
                JsonNode env = it.next();
                for (String cloud : List.of("aws", "gcp")) {
                    env.path(cloud).fieldNames().forEachRemaining(k -> keys.add(cloud + "." + k));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keys.removeAll(NOT_NAMES);
        return keys;
    }

    private static final Pattern FROM_CVA = Pattern.compile("local\\.env\\.(aws|gcp)\\.(\\w+)");

    private static List<NameUse> names(
            CvaConfig config, String configText, Map<String, InfraRoot> roots, List<Finding> findings) {
        Set<String> keys = nameKeys(configText);
        // the other way round: every name a root takes from cva.yaml is a key there
        for (InfraRoot root : roots.values()) {
            String cloud = root.cloud().name().toLowerCase();
            root.names().forEach((name, expr) -> {
                Matcher m = FROM_CVA.matcher(expr);
                if (!m.find()) {
                    findings.add(new Finding(
                            root.service(), "names", "local.names." + name + " does not come from cva.yaml"));
                } else if (!m.group(1).equals(cloud) || !m.group(2).equals(name)) {
                    findings.add(new Finding(
                            root.service(),
                            "names",
                            "local.names." + name + " reads " + m.group(1) + "." + m.group(2) + " (expected " + cloud
                                    + "." + name + ")"));
                } else if (!keys.contains(cloud + "." + name)) {
                    findings.add(new Finding(
                            root.service(),
                            "names",
                            "local.names." + name + ": cva.yaml has no " + cloud + "." + name));
                }
            });
        }
        List<NameUse> uses = new ArrayList<>();
        for (String key : keys) {
            String cloud = key.substring(0, key.indexOf('.'));
            String name = key.substring(key.indexOf('.') + 1);
            List<String> owners = new ArrayList<>();
            List<String> resources = new ArrayList<>();
            List<String> readers = new ArrayList<>();
            for (InfraRoot root : roots.values()) {
                if (!root.cloud().name().equalsIgnoreCase(cloud)) {
                    continue;
                }
                boolean declared = root.names().containsKey(name);
                if (LOCATIONS.contains(key)) {
                    if (!declared || root.users("provider", name).isEmpty()) {
                        findings.add(new Finding(
                                root.service(),
                                "region",
                                "the " + cloud + " provider does not take " + key + " from cva.yaml (local.names."
                                        + name + ")"));
                    } else {
                        readers.add(root.service());
                    }
                    continue;
                }
                List<String> r = root.users("resource", name);
                if (!r.isEmpty()) {
                    owners.add(root.service());
                    r.forEach(a -> resources.add(root.service() + ":" + a));
                } else if (!root.users("data", name).isEmpty()) {
                    readers.add(root.service());
                } else if (declared) {
                    findings.add(new Finding(
                            root.service(), "names", "local.names." + name + " is used by no resource or data source"));
                }
            }
            if (LOCATIONS.contains(key)) {
                uses.add(new NameUse(key, null, List.of(), readers));
                continue;
            }
            if (owners.isEmpty()) {
                findings.add(new Finding("-", "names", key + " (cva.yaml) has no resource in any root"));
            } else if (owners.size() > 1) {
                findings.add(new Finding(
                        "-",
                        "names",
                        key + " (cva.yaml) is declared by " + String.join(" and ", owners)
                                + ": one service owns it, the others read it through a data source"));
            }
            uses.add(new NameUse(key, owners.isEmpty() ? null : owners.get(0), resources, readers));
        }
        return uses;
    }

    private static void hardCoded(Map<String, InfraRoot> roots, List<Finding> findings) {
        for (InfraRoot root : roots.values()) {
            root.all("resource").forEach((address, b) -> {
                String attr = NAMED.get(b.label(0));
                String expr = attr == null ? null : b.attributes().get(attr);
                if (expr != null && LITERAL.matcher(expr).matches()) {
                    findings.add(new Finding(
                            root.service(),
                            "names",
                            address + ": hard-coded name " + expr + " (take it from cva.yaml through local.names)"));
                }
            });
        }
    }

    private static void eventSources(CvaConfig config, Map<String, InfraRoot> roots, List<Finding> findings) {
        config.services().forEach((name, s) -> {
            InfraRoot root = roots.get(name);
            if (root == null) {
                return;
            }
            List<HclBlocks.Block> mappings = root.blocks().of("resource").stream()
                    .filter(b -> "aws_lambda_event_source_mapping".equals(b.label(0)))
                    .toList();
            if (s.eventSource() != null
                    && s.eventSource().visibilityTimeoutSeconds() != null
                    && root.blocks().of("module").stream()
                            .noneMatch(b -> b.body().contains("local.spec.eventSource.visibilityTimeoutSeconds"))) {
                findings.add(new Finding(
                        name,
                        "eventSource",
                        "services." + name + ".eventSource.visibilityTimeoutSeconds is not read by the root's queue"));
            }
            if (s.eventSource() != null && mappings.isEmpty()) {
                findings.add(new Finding(
                        name,
                        "eventSource",
                        "cva.yaml has services." + name
                                + ".eventSource but the root has no aws_lambda_event_source_mapping"));
            }
            for (HclBlocks.Block m : mappings) {
                String fn = m.attributes().getOrDefault("function_name", "");
                if (!fn.contains("alias_arn")) {
                    findings.add(new Finding(
                            name, "alias", "the event source mapping invokes " + fn + ", not the live alias"));
                }
                if (!m.body().contains("ReportBatchItemFailures")) {
                    findings.add(new Finding(
                            name, "eventSource", "the event source mapping does not report batch item failures"));
                }
                if (s.eventSource() != null) {
                    for (String key : eventSourceKeys(s.eventSource())) {
                        if (key.equals("visibilityTimeoutSeconds")) {
                            continue; // the queue's setting, not the mapping's: checked on the root below
                        }
                        if (!m.body().contains("local.spec.eventSource." + key)) {
                            findings.add(new Finding(
                                    name,
                                    "eventSource",
                                    "services." + name + ".eventSource." + key
                                            + " is not read by the event source mapping"));
                        }
                    }
                }
            }
        });
    }

    /** The AWS-managed SNS key: its key policy cannot be changed, so cloudwatch.amazonaws.com may not use it. */
    static final String AWS_MANAGED_SNS_KEY = "alias/aws/sns";

    private static final Pattern ALARM_ACTIONS = Pattern.compile("(?:alarm|ok|insufficient_data)_actions");
    private static final Pattern VAR_REF = Pattern.compile("^var\\.(\\w+)$");

    /**
     * Every aws_sns_topic an alarm can notify (named, directly or through a module output, by an alarm's or a
     * module call's alarm/ok/insufficient_data actions) must not use alias/aws/sns: CloudWatch cannot encrypt
     * with the AWS-managed key, and its notifications are dropped. A {@code var.x} key is followed to the module
     * call's argument or the variable's default.
     */
    static List<Finding> alarmTopics(Path projectRoot, Map<String, InfraRoot> roots) {
        List<Finding> findings = new ArrayList<>();
        for (InfraRoot root : roots.values()) {
            List<String> targets = new ArrayList<>(actions(root.blocks()));
            root.modules()
                    .values()
                    .forEach(m -> m.args().forEach((k, v) -> {
                        if (ALARM_ACTIONS.matcher(k).matches()) {
                            targets.add(v);
                        }
                    }));
            checkTopics(projectRoot, root.service(), root.blocks(), null, targets, Map.of(), findings);
            for (InfraRoot.Module m : root.modules().values()) {
                List<String> inModule = new ArrayList<>(actions(m.blocks()));
                // a module's topic is targeted from outside through an output (module.<name>.<output>): its value
                for (HclBlocks.Block out : m.blocks().of("output")) {
                    Pattern use = Pattern.compile(
                            "module\\." + Pattern.quote(m.name()) + "\\." + Pattern.quote(out.label(0)) + "\\b");
                    if (targets.stream().anyMatch(t -> use.matcher(t).find())) {
                        inModule.add(out.body());
                    }
                }
                checkTopics(projectRoot, root.service(), m.blocks(), m, inModule, m.args(), findings);
            }
        }
        return findings;
    }

    /** The alarm action expressions of the alarms among {@code blocks}. */
    private static List<String> actions(HclBlocks blocks) {
        List<String> out = new ArrayList<>();
        for (HclBlocks.Block b : blocks.of("resource")) {
            if ("aws_cloudwatch_metric_alarm".equals(b.label(0))
                    || "aws_cloudwatch_composite_alarm".equals(b.label(0))) {
                b.attributes().forEach((k, v) -> {
                    if (ALARM_ACTIONS.matcher(k).matches()) {
                        out.add(v);
                    }
                });
            }
        }
        return out;
    }

    private static void checkTopics(
            Path projectRoot,
            String service,
            HclBlocks blocks,
            InfraRoot.Module module,
            List<String> targets,
            Map<String, String> args,
            List<Finding> findings) {
        for (HclBlocks.Block topic : blocks.of("resource")) {
            if (!"aws_sns_topic".equals(topic.label(0))) {
                continue;
            }
            String ref = "aws_sns_topic." + topic.label(1) + ".";
            if (targets.stream().noneMatch(t -> t.contains(ref))) {
                continue;
            }
            String key = topic.attributes().get("kms_master_key_id");
            if (key == null) {
                continue; // unencrypted: CloudWatch can publish (a choice the README argues, not a silent drop)
            }
            String via = "";
            Matcher v = VAR_REF.matcher(key.strip());
            if (v.matches()) {
                String value = args.get(v.group(1));
                if (value == null) {
                    value = blocks.of("variable").stream()
                            .filter(b -> v.group(1).equals(b.label(0)))
                            .map(b -> b.attributes().getOrDefault("default", ""))
                            .findFirst()
                            .orElse("");
                }
                via = " (var." + v.group(1) + " = " + value.strip() + ")";
                key = value;
            }
            if (key.contains(AWS_MANAGED_SNS_KEY)) {
                String where =
                        (module == null ? "" : "module." + module.name() + ".") + "aws_sns_topic." + topic.label(1);
                findings.add(new Finding(
                        service,
                        "alarms",
                        relative(projectRoot, topic.file()) + ":"
                                + topic.lineOf("kms_master_key_id") + ": " + where + " is encrypted with "
                                + AWS_MANAGED_SNS_KEY
                                + via
                                + ", which CloudWatch alarms cannot use: their notifications would be dropped (use a"
                                + " customer-managed KMS key whose policy lets cloudwatch.amazonaws.com use it)"));
            }
        }
    }

    private static String relative(Path projectRoot, Path file) {
        Path abs = projectRoot.toAbsolutePath().normalize();
        Path f = file.toAbsolutePath().normalize();
        return f.startsWith(abs) ? abs.relativize(f).toString() : f.toString();
    }

    static List<String> eventSourceKeys(Object eventSource) {
        List<String> keys = new ArrayList<>();
        new YAMLMapper().valueToTree(eventSource).fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                keys.add(e.getKey());
            }
        });
        return keys;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
