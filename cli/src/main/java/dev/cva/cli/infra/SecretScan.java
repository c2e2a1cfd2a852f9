package dev.cva.cli.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * No secret value where only identities and names belong (issue 22, point 6; README "Audit trail"). Scanned:
 * Terraform's inputs (every {@code .tf} file's variable defaults and every {@code *.tfvars*} under infra/),
 * {@code cva.yaml}'s environments other than {@code local} (the local stack's development secret is the one value
 * allowed, and only there), and the GitHub workflows. A finding is:
 * <ol>
 *   <li><b>a value that is a secret by its shape</b>, in any of those files: a Standard Webhooks secret
 *       ({@code whsec_} and 20+ base64 characters), a PEM private key block, an AWS access key id
 *       ({@code AKIA…}/{@code ASIA…}: where one is, its secret key is near), an AWS secret access key assigned
 *       ({@code aws_secret_access_key = <40 characters>});</li>
 *   <li><b>a secret by its name with a value</b>: a Terraform variable whose name says secret, password, token,
 *       private key or API key (and not {@code _name}, {@code _id}, {@code _arn}) with a non-null default, or any
 *       variable marked {@code sensitive = true} with one (a string: booleans and numbers are not secrets); the same names assigned in a tfvars file; in cva.yaml
 *       outside {@code local}, a key saying secret, password, token or private key (not {@code …Name}, {@code …Id},
 *       {@code …Arn}) with a value (prod reads its secrets from the secret managers);</li>
 *   <li><b>a workflow that feeds a secret value</b>: a {@code ${{ secrets.X }}} whose X is not an identity or a
 *       name: allowed are {@code GITHUB_TOKEN} (the run's own short-lived token) and names ending in
 *       {@code _ROLE_ARN}, {@code _SERVICE_ACCOUNT}, {@code _WORKLOAD_IDENTITY_PROVIDER}, {@code _ACCOUNT_ID},
 *       {@code _REGION}, {@code _PROJECT}, {@code _BUCKET}, {@code _TABLE}, {@code _NAME}; a step that reads a
 *       secret manager's value ({@code gcloud secrets versions access}, {@code aws secretsmanager get-secret-value});
 *       a {@code TF_VAR_}/{@code -var} of a secret-named variable.</li>
 * </ol>
 * A finding names the file and line and what was found, never the value.
 */
public final class SecretScan {
    record Shape(Pattern pattern, String what) {}

    static final List<Shape> SHAPES = List.of(
            new Shape(Pattern.compile("whsec_[A-Za-z0-9+/]{20,}"), "a Standard Webhooks secret (whsec_…)"),
            new Shape(Pattern.compile("-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----"), "a private key block"),
            new Shape(Pattern.compile("(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"), "an AWS access key id"),
            new Shape(
                    Pattern.compile("(?i)aws_?secret_?access_?key[\"']?\\s*[:=]\\s*[\"']?[A-Za-z0-9/+=]{40}"),
                    "an AWS secret access key"));
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(secret|password|passwd|token|private_?key|api_?key).*");
    static final Pattern NAME_NOT_VALUE = Pattern.compile("(?i).*(_?name|_?id|_?arn|_?ref)$");
    static final Pattern WORKFLOW_SECRET = Pattern.compile("secrets\\.([A-Za-z0-9_]+)");
    static final Pattern IDENTITY =
            Pattern.compile("GITHUB_TOKEN|.*_(ROLE_ARN|SERVICE_ACCOUNT|WORKLOAD_IDENTITY_PROVIDER"
                    + "|ACCOUNT_ID|REGION|PROJECT|BUCKET|TABLE|NAME)");
    static final Pattern READS_MANAGER =
            Pattern.compile("gcloud\\s+secrets\\s+versions\\s+access|secretsmanager\\s+get-secret-value");
    static final Pattern TF_VAR = Pattern.compile("(?:TF_VAR_|-var[= ]+[\"']?)([A-Za-z0-9_]+)");
    private static final Pattern VARIABLE = Pattern.compile("^\\s*variable\\s+\"([^\"]+)\"\\s*\\{");
    private static final Pattern DEFAULT = Pattern.compile("^\\s*default\\s*=\\s*(.+?)\\s*$");
    private static final Pattern SENSITIVE = Pattern.compile("^\\s*sensitive\\s*=\\s*true\\b");
    private static final Pattern ASSIGN = Pattern.compile("^\\s*([A-Za-z0-9_]+)\\s*=\\s*(.+?)\\s*$");

    private SecretScan() {}

    /** Every finding under {@code projectRoot}: {@code path:line: what} (paths relative to the root). */
    public static List<String> scan(Path projectRoot) {
        List<String> found = new ArrayList<>();
        Path infra = projectRoot.resolve("infra");
        for (Path f : files(infra, p -> p.toString().endsWith(".tf"))) {
            terraform(projectRoot, f, found);
        }
        for (Path f : files(infra, p -> p.getFileName().toString().contains(".tfvars"))) {
            tfvars(projectRoot, f, found);
        }
        Path yaml = projectRoot.resolve("cva.yaml");
        if (Files.isRegularFile(yaml)) {
            cvaYaml(projectRoot, yaml, found);
        }
        for (Path f : files(
                projectRoot.resolve(".github/workflows"),
                p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))) {
            workflow(projectRoot, f, found);
        }
        return found;
    }

    private static void terraform(Path root, Path file, List<String> found) {
        List<String> lines = lines(file);
        String variable = null;
        String defaultLine = null;
        int defaultAt = 0;
        boolean sensitive = false;
        int depth = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            shapes(root, file, i, l, found);
            Matcher v = VARIABLE.matcher(l);
            if (variable == null && v.find()) {
                variable = v.group(1);
                defaultLine = null;
                sensitive = false;
                depth = 0;
            }
            if (variable != null) {
                Matcher d = DEFAULT.matcher(l);
                if (depth == 1 && d.find()) {
                    defaultLine = d.group(1);
                    defaultAt = i;
                }
                if (depth == 1 && SENSITIVE.matcher(l).find()) {
                    sensitive = true;
                }
                depth += count(l, '{') - count(l, '}');
                if (depth <= 0 && l.contains("}")) {
                    if (defaultLine != null && stringValue(defaultLine) && (sensitive || secretNamed(variable))) {
                        found.add(at(root, file, defaultAt) + "variable \"" + variable + "\" "
                                + (sensitive ? "is sensitive" : "names a secret")
                                + " and has a default value: pass it at apply time from a secret store, never in code");
                    }
                    variable = null;
                }
            }
        }
    }

    private static void tfvars(Path root, Path file, List<String> found) {
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            shapes(root, file, i, l, found);
            Matcher a = ASSIGN.matcher(l);
            if (!l.stripLeading().startsWith("#") && a.find() && secretNamed(a.group(1)) && stringValue(a.group(2))) {
                found.add(at(root, file, i) + a.group(1) + " is given a value: secret values never go in tfvars");
            }
        }
    }

    private static void cvaYaml(Path root, Path file, List<String> found) {
        List<String> lines = lines(file);
        JsonNode tree;
        try {
            tree = new YAMLMapper().readTree(String.join("\n", lines));
        } catch (IOException e) {
            return; // a broken cva.yaml is reported by the configuration loader
        }
        // the values of environments other than local, and of everything outside environments
        List<String> where = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> top = it.next();
            if (!top.getKey().equals("environments")) {
                walk(top.getValue(), top.getKey(), where);
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> envs = top.getValue().fields(); envs.hasNext(); ) {
                Map.Entry<String, JsonNode> env = envs.next();
                if (!env.getKey().equals("local")) {
                    walk(env.getValue(), "environments." + env.getKey(), where);
                }
            }
        }
        for (String w : where) {
            int eq = w.indexOf('=');
            String path = w.substring(0, eq);
            String value = w.substring(eq + 1);
            String key = path.substring(path.lastIndexOf('.') + 1);
            int line = lineOf(lines, key, value);
            for (Shape s : SHAPES) {
                if (s.pattern().matcher(value).find()) {
                    found.add(at(root, file, line) + path + " holds " + s.what());
                }
            }
            if (secretNamed(key) && !value.isBlank()) {
                found.add(at(root, file, line) + path
                        + " holds a value: outside local, secrets live in the secret managers"
                        + " (name them with a …Name key)");
            }
        }
    }

    private static void walk(JsonNode node, String path, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> walk(e.getValue(), path + "." + e.getKey(), out));
        } else if (node.isArray()) {
            node.forEach(n -> walk(n, path, out));
        } else if (!node.isNull()) {
            out.add(path + "=" + node.asText());
        }
    }

    private static void workflow(Path root, Path file, List<String> found) {
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.stripLeading().startsWith("#")) {
                continue;
            }
            shapes(root, file, i, l, found);
            Matcher m = WORKFLOW_SECRET.matcher(l);
            while (m.find()) {
                if (!IDENTITY.matcher(m.group(1)).matches()) {
                    found.add(at(root, file, i) + "secrets." + m.group(1)
                            + " is not an identity or a name: workflows get "
                            + "identities only (role ARNs, service accounts, workload identity providers) and names");
                }
            }
            if (READS_MANAGER.matcher(l).find()) {
                found.add(at(root, file, i)
                        + "reads a secret value from a secret manager: workflows read identities only");
            }
            Matcher v = TF_VAR.matcher(l);
            while (v.find()) {
                if (secretNamed(v.group(1))) {
                    found.add(at(root, file, i) + "passes the secret-named Terraform variable " + v.group(1));
                }
            }
        }
    }

    private static void shapes(Path root, Path file, int i, String line, List<String> found) {
        for (Shape s : SHAPES) {
            if (s.pattern().matcher(line).find()) {
                found.add(at(root, file, i) + s.what());
            }
        }
    }

    /** A non-empty string literal or heredoc: what a secret would be (not null, a bool, a number, a reference). */
    static boolean stringValue(String hcl) {
        String v = hcl.replaceFirst("\\s+#.*$", "").strip();
        return v.startsWith("<<") || (v.startsWith("\"") && v.length() > 2);
    }

    static boolean secretNamed(String name) {
        return SECRET_NAME.matcher(name).matches()
                && !NAME_NOT_VALUE.matcher(name).matches();
    }

    private static int lineOf(List<String> lines, String key, String value) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (!l.startsWith("#") && l.startsWith(key + ":") && (value.isEmpty() || l.contains(value))) {
                return i;
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(key + ":")) {
                return i;
            }
        }
        return 0;
    }

    private static String at(Path root, Path file, int index) {
        return root.relativize(file) + ":" + (index + 1) + ": ";
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }

    private static List<Path> files(Path dir, java.util.function.Predicate<Path> which) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/.terraform/"))
                    .filter(which)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
