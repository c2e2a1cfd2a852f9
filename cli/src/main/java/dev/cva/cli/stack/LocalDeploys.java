package dev.cva.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.artifact.GitInfo;
import dev.cva.cli.artifact.ProvenanceLine;
import dev.cva.local.lambda.FunctionAlias;
import dev.cva.local.lambda.Invoker;
import dev.cva.local.lambda.LambdaFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code cva deploy --env local} on the supervisor's side: the control channel's deploy routes over the Lambda
 * aliases ({@link FunctionAlias}) and the receiver's front ({@link ReceiverFront}).
 *
 * <ul>
 *   <li>{@code GET /revisions/<service>}: {@code {service, revisions: [{id, url, description, created, running,
 *       weight}] (newest first), traffic: {id: percent}}}</li>
 *   <li>{@code POST /deploy/<service>} {@code {artifact, description, handler, memoryMb, timeoutSeconds}}: a private
 *       copy of the jar becomes a new version / revision, started and ready (healthy) but without traffic:
 *       {@code {id}}</li>
 *   <li>{@code POST /traffic/<service>} {@code {weights: {id: percent}}}: routes, answers like {@code GET
 *       /revisions}</li>
 * </ul>
 * What a revision records ({@code description}) is the deployer's: cva writes its provenance line there. The
 * revisions {@code cva local up} started are number 1, described by their jar's SHA-256 and the start time.
 */
final class LocalDeploys {
    private final Map<String, FunctionAlias> aliases;
    private final Map<String, LambdaFunction.Spec> specs;
    private final ReceiverFront receiver;
    private final Path jars;
    private final String region;
    private final Clock clock;
    private final Consumer<String> log;

    LocalDeploys(
            Map<String, FunctionAlias> aliases,
            Map<String, LambdaFunction.Spec> specs,
            ReceiverFront receiver,
            Path jars,
            String region,
            Clock clock,
            Consumer<String> log) {
        this.aliases = aliases;
        this.specs = specs;
        this.receiver = receiver;
        this.jars = jars;
        this.region = region;
        this.clock = clock;
        this.log = log;
        removeEarlierCopies(jars);
    }

    /** The jars deployed into an earlier stack (named {@code <service>-<epoch ms>…}): no revision runs them now. */
    private static void removeEarlierCopies(Path jars) {
        if (!Files.isDirectory(jars)) {
            return;
        }
        try (var files = Files.list(jars)) {
            for (Path p : files.filter(f -> f.getFileName().toString().matches("[a-z]+-\\d{13}(-lambda)?\\.jar"))
                    .toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // leftovers only take space
        }
    }

    /**
     * What version 1 records, as every later deploy does ({@link ProvenanceLine}): the module's version and the commit
     * of the checkout the stack runs, the SHA-256 of the jar {@code cva local up} started, and when.
     */
    static String firstDescription(Path jar, String version, GitInfo.Head head, Instant at, Path digests) {
        return ProvenanceLine.encode(version, head.sha(), head.dirty(), sha256(jar, digests), at);
    }

    /**
     * The jar's SHA-256, kept in {@code digests} (a properties file) under its path, size and modification time: a
     * stack's start reads an unchanged jar's bytes once, not at every start (hashing the four service jars took a
     * tenth of the supervisor's start). A rebuilt jar has another size or time, so its digest is computed again.
     */
    static String sha256(Path jar, Path digests) {
        String key;
        try {
            var attrs = Files.readAttributes(jar, java.nio.file.attribute.BasicFileAttributes.class);
            key = jar.toAbsolutePath().normalize() + "|" + attrs.size() + "|"
                    + attrs.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return ProvenanceLine.sha256(jar); // says what cannot be read
        }
        synchronized (LocalDeploys.class) {
            java.util.Properties known = new java.util.Properties();
            try (var in = Files.newInputStream(digests)) {
                known.load(in);
            } catch (IOException e) {
                // none yet, or unreadable: computed again
            }
            String hex = known.getProperty(key);
            if (hex != null && hex.matches("[0-9a-f]{64}")) {
                return hex;
            }
            hex = ProvenanceLine.sha256(jar);
            known.setProperty(key, hex);
            try {
                Files.createDirectories(digests.toAbsolutePath().getParent());
                Path tmp = Files.createTempFile(digests.toAbsolutePath().getParent(), ".digests", ".tmp");
                try (var out = Files.newOutputStream(tmp)) {
                    known.store(out, "SHA-256 of the jars the local stack started, by path|size|mtime");
                }
                Files.move(tmp, digests, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // a cache only: the next start computes it again
            }
            return hex;
        }
    }

    /** The {@code <version>} of {@code module}'s pom, or null when the module is not in this checkout. */
    static String moduleVersion(GitInfo git, String module) {
        try {
            return module == null ? null : git.version(module);
        } catch (dev.cva.cli.CvaException e) {
            return null;
        }
    }

    void register(ControlServer control) {
        control.route("GET", "/revisions/", (service, body) -> revisions(service));
        control.route("POST", "/deploy/", this::deploy);
        control.route("POST", "/traffic/", this::traffic);
    }

    private ControlServer.Reply revisions(String service) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Integer> traffic = new LinkedHashMap<>();
        if (service.equals("receiver")) {
            for (ReceiverFront.View v : receiver.revisions()) {
                out.add(view(v.number(), v.url(), v.description(), v.created(), v.running(), v.weight()));
            }
            receiver.weights().forEach((k, w) -> traffic.put(Integer.toString(k), w));
        } else {
            FunctionAlias alias = aliases.get(service);
            if (alias == null) {
                return unknown(service);
            }
            for (FunctionAlias.View v : alias.versions()) {
                out.add(view(v.number(), null, v.description(), v.created(), v.running(), v.weight()));
            }
            alias.weights().forEach((k, w) -> traffic.put(Integer.toString(k), w));
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("service", service);
        reply.put("revisions", out);
        reply.put("traffic", traffic);
        return ControlServer.Reply.ok(reply);
    }

    private ControlServer.Reply deploy(String service, byte[] body) throws IOException {
        JsonNode req = CvaContext.json().readTree(body);
        Path artifact = Path.of(req.path("artifact").asText(""));
        String description = req.path("description").asText(null);
        if (!Files.isRegularFile(artifact)) {
            return ControlServer.Reply.error(400, "no artifact at '" + artifact + "'");
        }
        if (!service.equals("receiver") && !aliases.containsKey(service)) {
            return unknown(service);
        }
        Instant at = clock.instant();
        Files.createDirectories(jars);
        Path copy =
                jars.resolve(service + "-" + at.toEpochMilli() + (service.equals("receiver") ? ".jar" : "-lambda.jar"));
        Files.copy(artifact, copy, StandardCopyOption.REPLACE_EXISTING);
        int id;
        if (service.equals("receiver")) {
            log.accept("receiver: starting a new revision from " + artifact.getFileName());
            id = receiver.deploy(copy, description, at);
        } else {
            LambdaFunction.Spec base = specs.get(service);
            String handler = req.hasNonNull("handler") ? req.get("handler").asText() : base.handler();
            Runtimes.requireClass(
                    copy,
                    handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler,
                    "services." + service + ".handler");
            LambdaFunction.Spec spec = new LambdaFunction.Spec(
                    base.name(),
                    base.functionName(),
                    handler,
                    copy,
                    base.runtimeClassPath(),
                    base.env(),
                    base.region(),
                    req.hasNonNull("memoryMb") ? req.get("memoryMb").asInt() : base.memoryMb(),
                    req.hasNonNull("timeoutSeconds")
                            ? Duration.ofSeconds(req.get("timeoutSeconds").asInt())
                            : base.timeout(),
                    base.concurrency(),
                    base.logDir(),
                    base.jvmOptions(),
                    base.runtime());
            FunctionAlias alias = aliases.get(service);
            log.accept(service + ": publishing a new version from " + artifact.getFileName());
            id = alias.publish(spec, description, at);
            warm(alias, id);
        }
        return ControlServer.Reply.ok(Map.of("id", Integer.toString(id)));
    }

    /** The new version loads its classes before it takes traffic; a failure here is the smoke test's to find. */
    private void warm(FunctionAlias alias, int version) {
        String qualifier = Integer.toString(version);
        Invoker direct = new Invoker() {
            @Override
            public String name() {
                return alias.name();
            }

            @Override
            public Result invoke(String payload) {
                return alias.invoke(qualifier, payload);
            }

            @Override
            public int concurrency() {
                return alias.concurrency();
            }
        };
        try {
            Warmup.functions(Map.of(alias.name(), direct), region);
        } catch (RuntimeException e) {
            log.accept(alias.name() + " version " + version + ": warm-up failed: " + e.getMessage());
        }
    }

    private ControlServer.Reply traffic(String service, byte[] body) throws IOException {
        JsonNode req = CvaContext.json().readTree(body);
        Map<Integer, Integer> weights = new LinkedHashMap<>();
        try {
            req.path("weights")
                    .fields()
                    .forEachRemaining(e -> weights.put(
                            Integer.valueOf(e.getKey()), e.getValue().asInt()));
        } catch (NumberFormatException e) {
            return ControlServer.Reply.error(400, "revision ids are numbers: " + req.path("weights"));
        }
        try {
            if (service.equals("receiver")) {
                receiver.route(weights);
            } else if (aliases.containsKey(service)) {
                aliases.get(service).route(weights);
            } else {
                return unknown(service);
            }
        } catch (IllegalArgumentException e) {
            return ControlServer.Reply.error(400, e.getMessage());
        }
        log.accept(service + ": traffic " + weights);
        return revisions(service);
    }

    private static Map<String, Object> view(
            int id, String url, String description, Instant created, boolean running, int weight) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Integer.toString(id));
        m.put("url", url);
        m.put("description", description);
        m.put("created", created == null ? null : created.toString());
        m.put("running", running);
        m.put("weight", weight);
        return m;
    }

    private ControlServer.Reply unknown(String service) {
        List<String> known = new ArrayList<>(aliases.keySet());
        known.add("receiver");
        return ControlServer.Reply.error(
                404, "the local stack runs no service '" + service + "' (it runs " + String.join(", ", known) + ")");
    }
}
