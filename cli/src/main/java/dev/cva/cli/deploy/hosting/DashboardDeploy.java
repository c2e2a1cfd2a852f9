package dev.cva.cli.deploy.hosting;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.artifact.GitInfo;
import dev.cva.cli.deploy.DeployResult;
import dev.cva.cli.deploy.DeployResult.Outcome;
import dev.cva.cli.deploy.DeployResult.RevisionView;
import dev.cva.cli.deploy.DeployTarget;
import dev.cva.cli.deploy.DeployTarget.SmokeResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * {@code cva deploy dashboard}: publishes {@code services/dashboard/dist} (with a generated production
 * {@code config.json}) to Firebase Hosting. Each file is gzipped and named by the SHA-256 of the gzip; "no change"
 * when the live version holds exactly the same files; otherwise a new version whose files Hosting lacks are uploaded
 * (and only those), finalized and released, then the site is fetched once as a smoke test and the previous version
 * released again when it fails. The result has the shape of every other deploy ({@link DeployResult}).
 */
public final class DashboardDeploy {
    public static final String SERVICE = "dashboard";
    static final String DIST = "services/dashboard/dist";
    static final int POPULATE_BATCH = 1000;

    /**
     * What the production {@code config.json} carries (cva.yaml: gcp.project, gcp.firebase*, and gcp.firestoreDatabase,
     * the database the receiver writes: {@code (default)} when unset).
     */
    public record FirebaseConfig(String projectId, String apiKey, String authDomain, String appId, String database) {
        public FirebaseConfig(String projectId, String apiKey, String authDomain, String appId) {
            this(projectId, apiKey, authDomain, appId, null);
        }
    }

    public record Options(boolean dryRun, boolean smoke) {}

    /** One file as published: its path on the site, its gzipped bytes and their SHA-256. */
    record File(String path, byte[] gzipped, String hash) {}

    private final Path projectRoot;
    private final String env;
    private final String project;
    private final String site;
    private final FirebaseConfig firebase;
    private final Hosting hosting;
    private final GitInfo git;
    private final DeployTarget.Progress progress;

    public DashboardDeploy(
            Path projectRoot,
            String env,
            String project,
            String site,
            FirebaseConfig firebase,
            Hosting hosting,
            GitInfo git,
            DeployTarget.Progress progress) {
        this.projectRoot = projectRoot;
        this.env = env;
        this.project = project;
        this.site = site;
        this.firebase = firebase;
        this.hosting = hosting;
        this.git = git;
        this.progress = progress;
    }

    public DeployResult deploy(Options o) {
        long t0 = System.nanoTime();
        Map<String, File> files = files();
        Map<String, String> hashes = new TreeMap<>();
        files.values().forEach(f -> hashes.put(f.path(), f.hash()));
        String manifest = manifestSha(hashes);
        GitInfo.Head head = git.head();
        String version = appVersion();

        Hosting.Site s = hosting.site(project, site);
        Optional<Hosting.Version> live = hosting.liveRelease(site).map(Hosting.Release::version);
        Map<String, String> liveFiles = live.map(v -> hosting.files(v.name())).orElse(Map.of());
        RevisionView from =
                live.map(v -> view(v, manifestSha(new TreeMap<>(liveFiles)))).orElse(null);
        RevisionView to = new RevisionView(null, version, head.sha(), manifest);
        if (live.isPresent() && new TreeMap<>(liveFiles).equals(hashes)) {
            return result(
                    Outcome.no_change,
                    from,
                    from,
                    head,
                    Map.of(live.get().id(), 100),
                    null,
                    t0,
                    "the " + hashes.size() + " files are what version "
                            + live.get().id() + " serves");
        }
        long changed = hashes.entrySet().stream()
                .filter(e -> !e.getValue().equals(liveFiles.get(e.getKey())))
                .count();
        long removed =
                liveFiles.keySet().stream().filter(p -> !hashes.containsKey(p)).count();
        String diff = hashes.size() + " files, " + changed + " new or changed, " + removed + " removed";
        Map<String, Integer> traffic = live.map(v -> Map.of(v.id(), 100)).orElse(Map.of());
        if (o.dryRun()) {
            return result(Outcome.planned, from, to, head, traffic, null, t0, diff + " (site " + site + ")");
        }
        Hosting.Version created;
        int uploaded;
        try {
            progress.step(SERVICE + ": new version of site " + site + " (" + diff + ")…");
            created = hosting.createVersion(site, hostingConfig(), labels(version, head));
            Hosting.Populated p = populate(created.name(), hashes);
            Map<String, File> byHash = new LinkedHashMap<>();
            files.values().forEach(f -> byHash.put(f.hash(), f));
            uploaded = 0;
            for (String hash : new java.util.LinkedHashSet<>(p.uploadRequiredHashes())) {
                File f = byHash.get(hash);
                if (f == null) {
                    throw new CvaException(
                            ExitCode.FAILURE, "Firebase Hosting asked for a file cva did not list: " + hash);
                }
                progress.step(SERVICE + ": uploading " + f.path() + " (" + f.gzipped().length + " bytes gzipped)…");
                hosting.upload(p.uploadUrl(), hash, f.gzipped());
                uploaded++;
            }
            hosting.finalizeVersion(created.name());
            progress.step(SERVICE + ": releasing version " + created.id() + "…");
            hosting.release(site, created.name());
        } catch (CvaException e) {
            if (e.exitCode() == ExitCode.USAGE) {
                throw e;
            }
            return result(Outcome.failed, from, to, head, traffic, null, t0, e.getMessage());
        }
        to = new RevisionView(created.id(), version, head.sha(), manifest);
        String reason = "uploaded " + uploaded + " of " + hashes.size() + " files; " + s.defaultUrl();
        SmokeResult smoke = null;
        if (o.smoke()) {
            progress.step(SERVICE + ": smoke test GET " + s.defaultUrl() + "…");
            int status = hosting.status(s.defaultUrl());
            smoke = status == 200
                    ? SmokeResult.passed("GET " + s.defaultUrl() + " = 200")
                    : SmokeResult.failed("GET " + s.defaultUrl() + " = " + (status < 0 ? "no answer" : status));
            if (!smoke.passed()) {
                if (live.isPresent()) {
                    progress.step(SERVICE + ": smoke test failed, releasing version "
                            + live.get().id() + " again…");
                    hosting.release(site, live.get().name());
                    return result(
                            Outcome.rolled_back,
                            from,
                            to,
                            head,
                            Map.of(live.get().id(), 100),
                            smoke,
                            t0,
                            "smoke test failed: " + smoke.detail());
                }
                return result(
                        Outcome.failed,
                        from,
                        to,
                        head,
                        Map.of(created.id(), 100),
                        smoke,
                        t0,
                        "smoke test failed (no earlier version to release again): " + smoke.detail());
            }
        }
        return result(Outcome.deployed, from, to, head, Map.of(created.id(), 100), smoke, t0, reason);
    }

    /** populateFiles in requests of at most {@link #POPULATE_BATCH} files, as the Firebase CLI sends them. */
    private Hosting.Populated populate(String version, Map<String, String> hashes) {
        List<String> required = new java.util.ArrayList<>();
        String uploadUrl = null;
        Map<String, String> batch = new LinkedHashMap<>();
        for (var it = hashes.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            batch.put(e.getKey(), e.getValue());
            if (batch.size() == POPULATE_BATCH || !it.hasNext()) {
                Hosting.Populated p = hosting.populateFiles(version, batch);
                required.addAll(p.uploadRequiredHashes());
                uploadUrl = p.uploadUrl() != null ? p.uploadUrl() : uploadUrl;
                batch = new LinkedHashMap<>();
            }
        }
        if (uploadUrl == null && !required.isEmpty()) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "Firebase Hosting asked for " + required.size() + " files but gave no upload URL");
        }
        return new Hosting.Populated(required, uploadUrl);
    }

    /** The built files plus the generated config.json, by path; each gzipped and hashed. */
    Map<String, File> files() {
        Path dist = projectRoot.resolve(DIST);
        if (!Files.isRegularFile(dist.resolve("index.html"))) {
            throw new CvaException(
                    ExitCode.USAGE,
                    "the dashboard is not built: " + dist + "/index.html is missing",
                    "build it: (cd services/dashboard && npm ci && npm run build)");
        }
        Map<String, File> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dist)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String path = "/" + dist.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                if (!path.equals("/config.json")) {
                    out.put(path, file(path, Files.readAllBytes(p)));
                }
            }
            out.put(
                    "/config.json",
                    file(
                            "/config.json",
                            CvaContext.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(productionConfig())));
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "cannot read " + dist + ": " + e.getMessage(), null, e);
        }
        return out;
    }

    /** The dashboard's production config.json: Firebase project and web app, no emulator, Google sign-in. */
    Map<String, Object> productionConfig() {
        if (firebase.apiKey() == null || firebase.apiKey().isBlank()) {
            throw CvaException.usage(
                    "the dashboard needs the Firebase web app's API key: gcp.firebaseApiKey is not set",
                    "add environments." + env + ".gcp.firebaseApiKey (and firebaseAppId) to cva.yaml, from the "
                            + "Firebase console's web app settings (it is an identifier, not a secret)");
        }
        Map<String, Object> fb = new LinkedHashMap<>();
        fb.put("projectId", firebase.projectId());
        fb.put("apiKey", firebase.apiKey());
        fb.put(
                "authDomain",
                firebase.authDomain() == null || firebase.authDomain().isBlank()
                        ? firebase.projectId() + ".firebaseapp.com"
                        : firebase.authDomain());
        fb.put("appId", firebase.appId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("firebase", fb);
        out.put("emulator", null);
        out.put("auth", Map.of("mode", "google"));
        out.put(
                "firestoreDatabase",
                firebase.database() == null || firebase.database().isBlank()
                        ? "(default)"
                        : firebase.database().strip());
        return out;
    }

    /** Hosting's serving config: the HTML and config.json always revalidated, Vite's hashed assets cached for good. */
    static Map<String, Object> hostingConfig() {
        return Map.of(
                "headers",
                List.of(
                        Map.of("glob", "**/*.html", "headers", Map.of("Cache-Control", "no-cache")),
                        Map.of("glob", "/config.json", "headers", Map.of("Cache-Control", "no-cache")),
                        Map.of(
                                "glob",
                                "/assets/**",
                                "headers",
                                Map.of("Cache-Control", "public, max-age=31536000, immutable"))));
    }

    private Map<String, String> labels(String version, GitInfo.Head head) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("deployed-by", "cva");
        if (head.sha() != null && head.sha().matches("[0-9a-f]{7,40}")) {
            labels.put("cva-git-sha", head.sha());
        }
        labels.put("cva-dirty", String.valueOf(head.dirty()));
        if (version != null) {
            // label values: lower-case letters, digits, '_' and '-' only
            labels.put("cva-version", version.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_"));
        }
        return labels;
    }

    private static RevisionView view(Hosting.Version v, String manifest) {
        String version = v.labels().get("cva-version");
        return new RevisionView(
                v.id(),
                version == null ? null : version.replace('_', '.'),
                v.labels().get("cva-git-sha"),
                manifest);
    }

    /** The {@code version} of services/dashboard/package.json, or null. */
    private String appVersion() {
        Path pkg = projectRoot.resolve("services/dashboard/package.json");
        try {
            JsonNode n = CvaContext.json().readTree(pkg.toFile());
            return n.path("version").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    private DeployResult result(
            Outcome outcome,
            RevisionView from,
            RevisionView to,
            GitInfo.Head head,
            Map<String, Integer> traffic,
            SmokeResult smoke,
            long t0,
            String reason) {
        return new DeployResult(
                SERVICE,
                env,
                outcome,
                from,
                to,
                head.sha(),
                head.dirty(),
                traffic,
                smoke,
                (System.nanoTime() - t0) / 1_000_000,
                reason);
    }

    static File file(String path, byte[] content) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            // the JDK writes a fixed gzip header (no name, no time): the same content always has the same hash
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                gz.write(content);
            }
            byte[] gzipped = bytes.toByteArray();
            return new File(path, gzipped, sha256(gzipped));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One digest of a whole file set: SHA-256 of its "path hash" lines in path order. */
    static String manifestSha(Map<String, String> sortedHashes) {
        StringBuilder b = new StringBuilder();
        sortedHashes.forEach((p, h) -> b.append(p).append(' ').append(h).append('\n'));
        return sha256(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
