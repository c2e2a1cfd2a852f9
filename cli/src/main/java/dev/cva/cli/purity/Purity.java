package dev.cva.cli.purity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cva.cli.bump.GitRepository;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.infra.HclBlocks;
import dev.cva.cli.infra.InfraCheck;
import dev.cva.cli.infra.InfraRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The original's microservices purity score, computed from the repository: eight criteria, each passed by every
 * service or failed with the evidence that fails it. Nothing is declared by hand: the pipelines, Terraform roots,
 * POMs and sources are read.
 */
public final class Purity {

    /** One criterion: passed by every service or not, with what was found per service. */
    public record Criterion(String id, String name, boolean pass, List<String> evidence) {}

    public record Score(int score, int max, List<Criterion> criteria) {}

    static final Set<String> DATA_STORES = Set.of(
            "aws_dynamodb_table",
            "aws_sqs_queue",
            "aws_secretsmanager_secret",
            "google_firestore_database",
            "google_secret_manager_secret");
    private static final Pattern IMPORT =
            Pattern.compile("^import\\s+(?:static\\s+)?(dev\\.cva\\.[\\w.]+);", Pattern.MULTILINE);

    private final Path root;
    private final CvaConfig config;
    private final String configText;

    public Purity(Path root, CvaConfig config, String configText) {
        this.root = root;
        this.config = config;
        this.configText = configText;
    }

    public Score score() {
        InfraCheck.Result infra = InfraCheck.run(root, config, configText);
        Map<String, InfraRoot> roots = InfraCheck.roots(root);
        Map<String, JsonNode> pipelines = pipelines();
        List<Criterion> c = List.of(
                pipeline(pipelines),
                infraState(infra, roots),
                dataStore(infra, roots),
                versionTags(pipelines),
                sharedCode(),
                contractsOnly(),
                identity(roots),
                observability(roots));
        return new Score((int) c.stream().filter(Criterion::pass).count(), c.size(), c);
    }

    // --- 1. an independent deploy pipeline per service ---

    private Criterion pipeline(Map<String, JsonNode> pipelines) {
        List<String> ev = new ArrayList<>();
        boolean pass = true;
        for (String s : config.services().keySet()) {
            JsonNode wf = pipelines.get(s);
            if (wf == null) {
                ev.add(s + ": no .github/workflows/" + s + ".yml");
                pass = false;
                continue;
            }
            List<String> paths = strings(on(wf).path("push").path("paths"));
            String module = config.services().get(s).module();
            List<String> foreign = paths.stream()
                    .filter(p -> config.services().entrySet().stream()
                            .anyMatch(e -> !e.getKey().equals(s)
                                    && (p.startsWith(e.getValue().module() + "/")
                                            || p.startsWith("infra/services/" + e.getKey() + "/"))))
                    .toList();
            boolean own = paths.contains(module + "/**") && paths.contains("infra/services/" + s + "/**");
            String deploy = deployJob(wf, s);
            boolean ok = own && foreign.isEmpty() && deploy != null;
            pass &= ok;
            ev.add(s + ": " + s + ".yml, paths " + paths.size() + " ("
                    + (own ? "its module and infra root" : "MISSING its module or infra root")
                    + (foreign.isEmpty() ? "" : "; FOREIGN " + foreign) + "), "
                    + (deploy == null ? "NO job runs cva deploy " + s : "job '" + deploy + "' runs cva deploy " + s));
        }
        return new Criterion("independent-pipeline", "independent deploy pipeline per service", pass, ev);
    }

    /** The job that runs {@code cva deploy <service>} and has a concurrency group, or null. */
    private static String deployJob(JsonNode wf, String service) {
        for (var it = wf.path("jobs").fields(); it.hasNext(); ) {
            var job = it.next();
            boolean runs = false;
            for (JsonNode step : job.getValue().path("steps")) {
                runs |= step.path("run").asText("").matches("(?s).*\\bcva deploy " + service + "\\b.*");
            }
            if (runs && job.getValue().has("concurrency")) {
                return job.getKey();
            }
        }
        return null;
    }

    // --- 2. its own infrastructure state ---

    private Criterion infraState(InfraCheck.Result infra, Map<String, InfraRoot> roots) {
        List<String> ev = new ArrayList<>();
        boolean pass = true;
        for (String s : config.services().keySet()) {
            InfraRoot r = roots.get(s);
            List<String> problems = infra.findings().stream()
                    .filter(f -> f.service().equals(s)
                            && Set.of("root", "backend", "state").contains(f.check()))
                    .map(InfraCheck.Finding::message)
                    .toList();
            if (r == null || !problems.isEmpty()) {
                pass = false;
                ev.add(s + ": " + (r == null ? "no root infra/services/" + s : String.join("; ", problems)));
            } else {
                ev.add(s + ": infra/services/" + s + ", backend \""
                        + r.backend().orElse("?") + "\", state key of its own, no terraform_remote_state");
            }
        }
        return new Criterion("own-infra-state", "own infrastructure root and state", pass, ev);
    }

    // --- 3. its own data store: each store declared by one service, read by others only by name ---

    private Criterion dataStore(InfraCheck.Result infra, Map<String, InfraRoot> roots) {
        List<String> ev = new ArrayList<>();
        boolean pass = infra.findings().stream().noneMatch(f -> f.message().contains("is declared by"));
        Map<String, Set<String>> reads = new LinkedHashMap<>();
        for (InfraCheck.NameUse u : infra.names()) {
            if (u.owner() != null) {
                u.readers()
                        .forEach(r ->
                                reads.computeIfAbsent(r, k -> new TreeSet<>()).add(u.key() + " (" + u.owner() + ")"));
            }
        }
        for (String s : config.services().keySet()) {
            InfraRoot r = roots.get(s);
            List<String> owned = r == null
                    ? List.of()
                    : r.all("resource").keySet().stream()
                            .filter(a -> DATA_STORES.stream().anyMatch(t -> a.contains(t + ".")))
                            .toList();
            ev.add(s + ": owns " + (owned.isEmpty() ? "no store" : owned)
                    + (reads.containsKey(s) ? "; reads by name " + reads.get(s) : ""));
        }
        if (!pass) {
            ev.add("a store is declared by two services (see cva infra check)");
        }
        return new Criterion("own-data-store", "own data store (one owner per store, others read by name)", pass, ev);
    }

    // --- 4. its own version and release tags ---

    private Criterion versionTags(Map<String, JsonNode> pipelines) {
        List<String> ev = new ArrayList<>();
        boolean pass = true;
        List<String> tags = tags();
        for (var e : config.services().entrySet()) {
            String s = e.getKey();
            // a static site's version is its npm package's (cva bump writes the pom to match)
            String version = e.getValue().isHosting()
                    ? packageVersion(root.resolve(e.getValue().module()).resolve("package.json"))
                    : ownVersion(root.resolve(e.getValue().module()).resolve("pom.xml"));
            JsonNode wf = pipelines.get(s);
            boolean trigger =
                    wf != null && strings(on(wf).path("push").path("tags")).contains(s + "-v*");
            long count = tags.stream().filter(t -> t.startsWith(s + "-v")).count();
            boolean ok = version != null && trigger;
            pass &= ok;
            ev.add(s + ": version " + (version == null ? "NONE of its own" : version) + ", "
                    + (trigger ? "pipeline deploys on " + s + "-v*" : "NO " + s + "-v* trigger") + ", " + count
                    + " tag(s) " + s + "-v*");
        }
        return new Criterion("own-version-tags", "own version and release tags", pass, ev);
    }

    // --- 5. no code shared between services (runtime dependencies on project modules: contracts only) ---

    private Criterion sharedCode() {
        List<String> ev = new ArrayList<>();
        boolean pass = true;
        Map<String, String> libraries = libraries();
        for (var e : config.services().entrySet()) {
            Map<String, String> deps =
                    projectDependencies(root.resolve(e.getValue().module()).resolve("pom.xml"));
            List<String> shared = new ArrayList<>(deps.entrySet().stream()
                    .filter(d -> !d.getKey().equals("cva-contracts")
                            && !libraries.containsKey(d.getKey())
                            && !"test".equals(d.getValue()))
                    .map(Map.Entry::getKey)
                    .toList());
            List<String> libs = new ArrayList<>();
            // a test-scope library ships nothing; it is listed with the other test-scope modules
            for (String lib : deps.entrySet().stream()
                    .filter(d -> libraries.containsKey(d.getKey()) && !"test".equals(d.getValue()))
                    .map(Map.Entry::getKey)
                    .toList()) {
                // a library may carry no service's code itself (its own test-scope modules do not ship with it)
                List<String> carried =
                        projectDependencies(root.resolve(libraries.get(lib)).resolve("pom.xml")).entrySet().stream()
                                .filter(a -> !a.getKey().equals("cva-contracts")
                                        && !libraries.containsKey(a.getKey())
                                        && !"test".equals(a.getValue()))
                                .map(Map.Entry::getKey)
                                .toList();
                if (carried.isEmpty()) {
                    libs.add(lib + " (" + libraries.get(lib) + ", no service's code)");
                } else {
                    shared.add(lib + " (carries " + carried + ")");
                }
            }
            pass &= shared.isEmpty();
            ev.add(e.getKey() + ": "
                    + (shared.isEmpty()
                            ? "ships " + (deps.containsKey("cva-contracts") ? "cva-contracts" : "no service module")
                                    + (libs.isEmpty() ? " only" : " and the library " + String.join(", ", libs))
                            : "SHARES " + shared)
                    + testOnly(deps));
        }
        return new Criterion("no-shared-code", "no code shared between services", pass, ev);
    }

    /**
     * The project's libraries by artifact: the modules under {@code libs/}, which services may ship as they ship any
     * well-kept library, as long as a library depends on no service (checked above).
     */
    private Map<String, String> libraries() {
        Map<String, String> libs = new LinkedHashMap<>();
        Path dir = root.resolve("libs");
        if (!java.nio.file.Files.isDirectory(dir)) {
            return libs;
        }
        try (var modules = java.nio.file.Files.list(dir)) {
            for (Path m : modules.sorted().toList()) {
                Element project = pom(m.resolve("pom.xml"));
                String artifact = project == null ? null : directText(project, "artifactId");
                if (artifact != null) {
                    libs.put(artifact, root.relativize(m).toString().replace('\\', '/'));
                }
            }
        } catch (java.io.IOException e) {
            return libs;
        }
        return libs;
    }

    private static String directText(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element el && el.getTagName().equals(tag)) {
                return el.getTextContent().trim();
            }
        }
        return null;
    }

    private static String testOnly(Map<String, String> deps) {
        List<String> t = deps.entrySet().stream()
                .filter(d -> "test".equals(d.getValue()))
                .map(Map.Entry::getKey)
                .toList();
        return t.isEmpty() ? "" : " (test scope: " + String.join(", ", t) + ")";
    }

    // --- 6. services meet through contracts only ---

    private Criterion contractsOnly() {
        List<String> ev = new ArrayList<>();
        boolean pass = true;
        Set<String> packages = new TreeSet<>();
        config.services().keySet().forEach(s -> packages.add("dev.cva." + s + "."));
        for (var e : config.services().entrySet()) {
            String own = "dev.cva." + e.getKey() + ".";
            Set<String> foreign = new TreeSet<>();
            int contracts = 0;
            for (String imp : imports(root.resolve(e.getValue().module()).resolve("src/main/java"))) {
                if (imp.startsWith("dev.cva.contracts.")) {
                    contracts++;
                } else if (!imp.startsWith(own)
                        && (imp.startsWith("dev.cva.cli.") || packages.stream().anyMatch(imp::startsWith))) {
                    foreign.add(
                            imp); // another service's code, or the CLI's; a library's (dev.cva.replay) is no contract
                    // breach
                }
            }
            pass &= foreign.isEmpty();
            ev.add(e.getKey() + ": " + contracts + " import(s) of dev.cva.contracts"
                    + (foreign.isEmpty() ? ", none of another service" : ", FOREIGN " + foreign));
        }
        return new Criterion("contracts-only", "services meet through contracts only", pass, ev);
    }

    // --- 7. its own runtime identity, least privilege ---

    /** A policy statement on every resource with no condition to narrow it. */
    private static boolean wildcardStatement(String statement) {
        return statement.matches("(?s).*resources\\s*=\\s*\\[\\s*\"\\*\"\\s*].*")
                && !statement.matches("(?s).*condition\\s*\\{.*");
    }

    private Criterion identity(Map<String, InfraRoot> roots) {
        List<String> ev = new ArrayList<>();
        boolean pass = true;
        for (String s : config.services().keySet()) {
            InfraRoot r = roots.get(s);
            if (r == null) {
                pass = false;
                ev.add(s + ": no root");
                continue;
            }
            long roles = r.all("resource").keySet().stream()
                    .filter(a -> a.contains("aws_iam_role.") || a.contains("google_service_account."))
                    .count();
            // identity policies only: a resource policy (a KMS key's, a topic's: it has principals) names its own
            // resource as "*"; the functions' policies live in infra/policies, read through templatefile()
            List<HclBlocks.Block> blocks = Stream.concat(
                            r.blocks().blocks().stream(),
                            r.modules().values().stream().flatMap(m -> m.blocks().blocks().stream()))
                    .toList();
            // "*" held by a condition (an action IAM offers on no resource type, e.g. CreateEventSourceMapping
            // scoped by lambda:FunctionArn) is as narrow as IAM allows; "*" alone is a wildcard
            boolean wildcard = blocks.stream()
                            .anyMatch(b -> !b.body().contains("principals")
                                            && Stream.of(b.body().split("statement\\s*\\{"))
                                                    .anyMatch(Purity::wildcardStatement)
                                    || b.body().contains("roles/owner")
                                    || b.body().contains("roles/editor"))
                    || policyFiles(blocks).stream().anyMatch(Purity::grantsEverything);
            boolean ok = roles > 0 && !wildcard;
            pass &= ok;
            ev.add(s + ": " + roles + " role(s)/service account(s) of its own"
                    + (wildcard ? ", a WILDCARD grant" : ", no wildcard resource or primitive role"));
        }
        return new Criterion("own-identity", "own least-privilege runtime identity", pass, ev);
    }

    // --- 8. its own logs, alarms and budget ---

    private Criterion observability(Map<String, InfraRoot> roots) {
        List<String> ev = new ArrayList<>();
        boolean pass = true;
        for (String s : config.services().keySet()) {
            InfraRoot r = roots.get(s);
            boolean site = config.services().get(s).isHosting();
            Set<String> types = new TreeSet<>();
            if (r != null) {
                r.all("resource").values().forEach(b -> types.add(b.label(0)));
            }
            boolean alarms =
                    types.contains("aws_cloudwatch_metric_alarm") || types.contains("google_monitoring_alert_policy");
            boolean budget = types.contains("aws_budgets_budget") || types.contains("google_billing_budget");
            // a static site runs no code that could log: its signal is an uptime check of the site (results in Cloud
            // Logging)
            boolean logs = site
                    ? types.contains("google_monitoring_uptime_check_config")
                    : types.contains("aws_cloudwatch_log_group") || types.contains("google_cloudfunctions2_function");
            boolean ok = alarms && budget && logs;
            pass &= ok;
            ev.add(s + ": " + (alarms ? "alarms" : "NO alarms") + ", " + (budget ? "budget" : "NO budget") + ", "
                    + (site
                            ? (logs ? "an uptime check (a static site writes no logs)" : "NO uptime check")
                            : logs ? "logs" : "NO logs")
                    + " in its own root");
        }
        return new Criterion("own-observability", "own logs, alarms and budget", pass, ev);
    }

    /** The infra/policies files a root's blocks read with templatefile(). */
    private List<Path> policyFiles(List<HclBlocks.Block> blocks) {
        java.util.regex.Matcher m;
        List<Path> files = new ArrayList<>();
        for (HclBlocks.Block b : blocks) {
            m = java.util.regex.Pattern.compile("policies/([A-Za-z0-9_-]+\\.json)")
                    .matcher(b.body());
            while (m.find()) {
                files.add(root.resolve("infra/policies").resolve(m.group(1)));
            }
        }
        return files;
    }

    /** An IAM policy with a statement on every resource or every action (or a file that cannot be read). */
    private static boolean grantsEverything(Path policy) {
        try {
            String json = java.nio.file.Files.readString(policy);
            return json.matches("(?s).*\"(Resource|Action)\"\\s*:\\s*(\\[\\s*)?\"\\*\".*");
        } catch (java.io.IOException e) {
            return true;
        }
    }

    // --- reading the repository ---

    private Map<String, JsonNode> pipelines() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String s : config.services().keySet()) {
            Path f = root.resolve(".github/workflows/" + s + ".yml");
            if (Files.isRegularFile(f)) {
                try {
                    out.put(s, new YAMLMapper().readTree(Files.readString(f)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    /** The {@code on:} of a workflow (YAML 1.1 readers may turn the key into {@code true}). */
    static JsonNode on(JsonNode wf) {
        return wf.has("on") ? wf.get("on") : wf.path("true");
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(v -> out.add(v.asText()));
        return out;
    }

    private List<String> tags() {
        if (!Files.isDirectory(root.resolve(".git")) && !Files.isRegularFile(root.resolve(".git"))) {
            return List.of();
        }
        try (GitRepository git = GitRepository.open(root)) {
            return git.tags().stream().map(GitRepository.Tag::name).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** The {@code <version>} directly under {@code <project>}, or null when it is inherited. */
    /** The {@code version} of an npm package.json, or null. */
    static String packageVersion(Path packageJson) {
        try {
            return dev.cva.cli.bump.PackageJsonVersion.read(Files.readString(packageJson))
                    .orElse(null);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    static String ownVersion(Path pom) {
        Element project = pom(pom);
        if (project == null) {
            return null;
        }
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element el && el.getTagName().equals("version")) {
                return el.getTextContent().strip();
            }
        }
        return null;
    }

    /** Dependencies on this project's modules (artifactId cva-*), with their scope ("compile" when none). */
    static Map<String, String> projectDependencies(Path pom) {
        Map<String, String> deps = new LinkedHashMap<>();
        Element project = pom(pom);
        if (project == null) {
            return deps;
        }
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element el && el.getTagName().equals("dependencies")) {
                NodeList list = el.getElementsByTagName("dependency");
                for (int i = 0; i < list.getLength(); i++) {
                    Element d = (Element) list.item(i);
                    String artifact = text(d, "artifactId");
                    if (artifact != null && artifact.startsWith("cva-")) {
                        String scope = text(d, "scope");
                        deps.put(artifact, scope == null ? "compile" : scope);
                    }
                }
            }
        }
        return deps;
    }

    private static String text(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().strip();
    }

    private static Element pom(Path pom) {
        if (!Files.isRegularFile(pom)) {
            return null;
        }
        try {
            var f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = f.newDocumentBuilder().parse(pom.toFile());
            return doc.getDocumentElement();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    private static List<String> imports(Path sources) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(sources)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
