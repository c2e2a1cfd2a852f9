package dev.cva.cli.deploy;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.artifact.GitInfo;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.deploy.DeployResult.Outcome;
import dev.cva.cli.deploy.DeployResult.RevisionView;
import dev.cva.cli.deploy.DeployTarget.Deployed;
import dev.cva.cli.deploy.DeployTarget.Revision;
import dev.cva.cli.deploy.DeployTarget.SmokeResult;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Deploy, promote, roll back and report, the same way on every target: artifact and provenance first, "no change"
 * when the artifact's SHA-256 is what is live, a new revision, traffic moved at once or as a canary, a smoke test
 * through the new revision, and an automatic rollback when it fails.
 */
public final class DeployService {

    /** Opens the target of one service (the command wires clouds and environments; tests wire fakes). */
    @FunctionalInterface
    public interface Targets {
        DeployTarget open(String service, CvaConfig.Service spec);
    }

    /** How one deploy runs. {@code artifact} overrides the build; {@code canary} is a percent or null. */
    public record Options(
            Path artifact,
            boolean reuse,
            boolean dryRun,
            Integer canary,
            boolean autoPromote,
            boolean smoke,
            boolean create,
            String role) {}

    /** One service's line of {@code cva status}. */
    public record Status(
            String service,
            String cloud,
            String revision,
            String version,
            String gitSha,
            Boolean dirty,
            String time,
            Map<String, Integer> traffic,
            String latestTag,
            String drift) {}

    private final CvaConfig config;
    private final String env;
    private final Targets targets;
    private final Artifacts artifacts;
    private final GitInfo git;
    private final Clock clock;
    private final DeployTarget.Progress progress;
    private final java.util.function.Function<String, String> names;

    public DeployService(
            CvaConfig config,
            String env,
            Targets targets,
            java.util.function.Function<String, String> names,
            Artifacts artifacts,
            GitInfo git,
            Clock clock,
            DeployTarget.Progress progress) {
        this.config = config;
        this.names = names;
        this.env = env;
        this.targets = targets;
        this.artifacts = artifacts;
        this.git = git;
        this.clock = clock;
        this.progress = progress;
    }

    public CvaConfig.Service spec(String service) {
        CvaConfig.Service spec = config.services().get(service);
        if (spec == null) {
            throw CvaException.usage(
                    "unknown service '" + service + "'",
                    "services in cva.yaml: " + String.join(", ", new TreeMap<>(config.services()).keySet()));
        }
        return spec;
    }

    public List<String> services() {
        return List.copyOf(config.services().keySet());
    }

    /** The Lambda function / Cloud Function name of {@code service}. */
    public String resourceName(String service) {
        return names.apply(service);
    }

    public DeployResult deploy(String service, Options o) {
        long t0 = System.nanoTime();
        CvaConfig.Service spec = spec(service);
        if (o.canary() != null && (o.canary() < 1 || o.canary() > 99)) {
            throw CvaException.usage("--canary must be between 1 and 99 (percent of traffic to the new version)", null);
        }
        try (DeployTarget target = targets.open(service, spec)) {
            Path artifact =
                    o.artifact() != null ? o.artifact() : artifacts.artifact(service, spec, o.reuse(), progress);
            String sha256 = Artifacts.sha256(artifact);
            String version = git.version(spec.module());
            GitInfo.Head head = git.head();
            Optional<Deployed> current = target.current(service);
            Revision from = current.map(Deployed::live).orElse(null);
            DeployPlan plan = new DeployPlan(
                    service,
                    spec,
                    resourceName(service),
                    artifact,
                    sha256,
                    version,
                    head.sha(),
                    head.dirty(),
                    o.create(),
                    o.role(),
                    clock.instant());
            RevisionView fromView = RevisionView.of(from);
            RevisionView toView = new RevisionView(null, version, head.sha(), sha256);
            Map<String, Integer> traffic = current.map(Deployed::traffic).orElse(Map.of());
            if (from != null && sha256.equals(from.sha256())) {
                return result(
                        service,
                        Outcome.no_change,
                        fromView,
                        fromView,
                        plan,
                        traffic,
                        null,
                        t0,
                        "the artifact's SHA-256 is what revision " + from.id() + " runs");
            }
            if (o.canary() != null && (from == null || from.id().startsWith("$"))) {
                throw CvaException.usage(
                        "a canary splits traffic with the deployed revision, and " + service
                                + (from == null ? " has none" : " runs an unpublished one (" + from.id() + ")"),
                        "deploy once without --canary");
            }
            if (o.dryRun()) {
                return result(service, Outcome.planned, fromView, toView, plan, traffic, null, t0, null);
            }
            Revision to;
            try {
                progress.step(service + ": uploading " + artifact.getFileName() + " (" + version + ", "
                        + shortSha(head.sha()) + ")…");
                to = target.deploy(plan, progress);
                Map<String, Integer> weights = new LinkedHashMap<>();
                if (o.canary() != null) {
                    weights.put(to.id(), o.canary());
                    weights.put(from.id(), 100 - o.canary());
                } else {
                    weights.put(to.id(), 100);
                }
                progress.step(service + ": routing " + weights + "…");
                target.shiftTraffic(service, weights);
            } catch (CvaException e) {
                if (e.exitCode() == ExitCode.USAGE) {
                    throw e;
                }
                return result(service, Outcome.failed, fromView, toView, plan, traffic, null, t0, e.getMessage());
            }
            toView = RevisionView.of(to);
            SmokeResult smoke = null;
            if (o.smoke()) {
                progress.step(service + ": smoke test of revision " + to.id() + "…");
                smoke = target.smoke(service, to);
                if (!smoke.passed()) {
                    if (from != null) {
                        progress.step(service + ": smoke test failed, rolling back to " + from.id() + "…");
                        target.rollback(service, from);
                        return result(
                                service,
                                Outcome.rolled_back,
                                fromView,
                                toView,
                                plan,
                                Map.of(from.id(), 100),
                                smoke,
                                t0,
                                "smoke test failed: " + smoke.detail());
                    }
                    return result(
                            service,
                            Outcome.failed,
                            fromView,
                            toView,
                            plan,
                            Map.of(to.id(), 100),
                            smoke,
                            t0,
                            "smoke test failed (no earlier revision to roll back to): " + smoke.detail());
                }
            }
            Map<String, Integer> now =
                    target.current(service).map(Deployed::traffic).orElse(Map.of());
            if (o.canary() != null && o.autoPromote() && (smoke == null || smoke.passed())) {
                progress.step(service + ": promoting " + to.id() + " to 100%…");
                target.shiftTraffic(service, Map.of(to.id(), 100));
                now = Map.of(to.id(), 100);
            }
            return result(service, Outcome.deployed, fromView, toView, plan, now, smoke, t0, null);
        }
    }

    /** {@code cva deploy promote}: the canary takes all traffic. Exit 4 when there is no split. */
    public DeployResult promote(String service) {
        long t0 = System.nanoTime();
        CvaConfig.Service spec = spec(service);
        try (DeployTarget target = targets.open(service, spec)) {
            Deployed d = target.current(service).orElseThrow(() -> notDeployed(service));
            if (d.traffic().size() < 2) {
                throw new CvaException(
                        ExitCode.NOTHING_TO_DO,
                        service + " has no canary to promote: revision "
                                + d.live().id() + " takes all traffic");
            }
            String canary = d.traffic().keySet().stream()
                    .filter(id -> !id.equals(d.live().id()))
                    .findFirst()
                    .orElseThrow();
            Revision to = target.revisions(service).stream()
                    .filter(r -> r.id().equals(canary))
                    .findFirst()
                    .orElse(new Revision(canary, null, null, null, null, null));
            target.shiftTraffic(service, Map.of(canary, 100));
            return new DeployResult(
                    service,
                    env,
                    Outcome.promoted,
                    RevisionView.of(d.live()),
                    RevisionView.of(to),
                    to.gitSha(),
                    to.dirty(),
                    Map.of(canary, 100),
                    null,
                    millis(t0),
                    null);
        }
    }

    /**
     * {@code cva rollback}: all traffic to {@code to} (a revision id or a version; the newest revision with that
     * version) or, without it, to the revision deployed before the live one. Exit 4 when it already serves.
     */
    public DeployResult rollback(String service, String to) {
        long t0 = System.nanoTime();
        CvaConfig.Service spec = spec(service);
        try (DeployTarget target = targets.open(service, spec)) {
            Deployed d = target.current(service).orElseThrow(() -> notDeployed(service));
            List<Revision> revisions = target.revisions(service);
            Revision target0;
            if (to != null) {
                target0 = revisions.stream()
                        .filter(r -> r.id().equals(to))
                        .findFirst()
                        .or(() -> revisions.stream()
                                .filter(r -> to.equals(r.version()))
                                .findFirst())
                        .orElseThrow(() -> CvaException.usage(
                                service + " has no revision or version '" + to + "'", "known: " + describe(revisions)));
            } else {
                int live = indexOf(revisions, d.live().id());
                if (live < 0 || live + 1 >= revisions.size()) {
                    throw new CvaException(
                            ExitCode.NOTHING_TO_DO,
                            service + " has no revision before " + d.live().id() + " to roll back to");
                }
                target0 = revisions.get(live + 1);
            }
            if (target0.id().equals(d.live().id()) && d.traffic().size() < 2) {
                throw new CvaException(
                        ExitCode.NOTHING_TO_DO, "revision " + target0.id() + " already serves " + service);
            }
            progress.step(service + ": all traffic to revision " + target0.id() + "…");
            target.rollback(service, target0);
            return new DeployResult(
                    service,
                    env,
                    Outcome.rolled_back,
                    RevisionView.of(d.live()),
                    RevisionView.of(target0),
                    target0.gitSha(),
                    target0.dirty(),
                    Map.of(target0.id(), 100),
                    null,
                    millis(t0),
                    null);
        }
    }

    /** {@code cva status}: per service what is deployed and its drift against the newest release tag. */
    public List<Status> status(List<String> services) {
        List<Status> out = new ArrayList<>();
        for (String service : services) {
            CvaConfig.Service spec = spec(service);
            Optional<GitInfo.Release> tag = git.latestRelease(service);
            try (DeployTarget target = targets.open(service, spec)) {
                Optional<Deployed> d = target.current(service);
                Revision r = d.map(Deployed::live).orElse(null);
                out.add(new Status(
                        service,
                        spec.cloud().name().toLowerCase(java.util.Locale.ROOT),
                        r == null ? null : r.id(),
                        r == null ? null : r.version(),
                        r == null ? null : r.gitSha(),
                        r == null ? null : r.dirty(),
                        r == null || r.time() == null ? null : r.time().toString(),
                        d.map(Deployed::traffic).orElse(Map.of()),
                        tag.map(t -> service + "-v" + t.version()).orElse(null),
                        drift(r, tag.orElse(null))));
            }
        }
        return out;
    }

    /** not-deployed, untagged, current, behind, ahead or modified (same version, other commit or a dirty tree). */
    static String drift(Revision live, GitInfo.Release tag) {
        if (live == null) {
            return "not-deployed";
        }
        if (tag == null) {
            return "untagged";
        }
        if (GitInfo.Versions.parse(live.version()) == null) {
            return "modified";
        }
        int c = GitInfo.Versions.compare(live.version(), tag.version());
        if (c < 0) {
            return "behind";
        }
        if (c > 0) {
            return "ahead";
        }
        return Boolean.TRUE.equals(live.dirty()) || !tag.sha().equals(live.gitSha()) ? "modified" : "current";
    }

    private DeployResult result(
            String service,
            Outcome outcome,
            RevisionView from,
            RevisionView to,
            DeployPlan plan,
            Map<String, Integer> traffic,
            SmokeResult smoke,
            long t0,
            String reason) {
        return new DeployResult(
                service, env, outcome, from, to, plan.gitSha(), plan.dirty(), traffic, smoke, millis(t0), reason);
    }

    private static CvaException notDeployed(String service) {
        return new CvaException(
                ExitCode.FAILURE,
                service + " is not deployed in this environment",
                "deploy it first: cva deploy " + service);
    }

    private static int indexOf(List<Revision> revisions, String id) {
        for (int i = 0; i < revisions.size(); i++) {
            if (revisions.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(List<Revision> revisions) {
        List<String> s = new ArrayList<>();
        for (Revision r : revisions) {
            s.add(r.id() + (r.version() == null ? "" : " (" + r.version() + ")"));
        }
        return s.isEmpty() ? "none" : String.join(", ", s);
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static String shortSha(String sha) {
        return sha == null || sha.length() < 7 ? String.valueOf(sha) : sha.substring(0, 7);
    }
}
