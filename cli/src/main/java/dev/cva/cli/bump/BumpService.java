package dev.cva.cli.bump;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.config.CvaConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code cva bump} and {@code cva version} without the command line: checks the repository is safe to release
 * from, plans each release and carries the plans out (or only reports them for a dry run).
 */
public final class BumpService implements AutoCloseable {

    /** What to bump: {@code service} null means every unit with releasable changes. */
    public record Options(
            String service,
            BumpLevel level,
            String pre,
            boolean finalizing,
            boolean force,
            boolean dryRun,
            boolean push) {}

    /** The plans and, unless a dry run, the commits made. */
    public record Outcome(List<ReleasePlanner.Plan> plans, List<String> commits, boolean pushed) {}

    /**
     * Which services a bump is for: {@code service} null means every one with releasable changes. {@code origin}
     * says what chose it ({@code option}: --service; {@code all-changed}: --all-changed; {@code folder}: the
     * working folder) and {@code detail} says it in words.
     */
    public record Scope(String service, String origin, String detail) {
        public boolean all() {
            return service == null;
        }
    }

    private final Path projectRoot;
    private final GitRepository git;
    private final ReleasePlanner planner;

    public BumpService(Path projectRoot, Map<String, CvaConfig.Service> services, Clock clock) {
        this.projectRoot = projectRoot;
        this.git = GitRepository.open(projectRoot);
        this.planner = new ReleasePlanner(git, services, clock);
    }

    /**
     * The scope of {@code cva bump}: --service, --all-changed, else the service whose module or infra folder
     * {@code cwd} is in (at any depth), else — at the project's root or in a folder no single service owns —
     * every service with releasable changes.
     */
    public Scope scope(String service, boolean allChanged, Path cwd) {
        if (service != null && allChanged) {
            throw CvaException.usage(
                    "--service and --all-changed exclude each other",
                    "cva bump auto --service receiver, or cva bump auto --all-changed");
        }
        if (service != null) {
            return new Scope(planner.unit(service).service(), "option", "--service " + service);
        }
        if (allChanged) {
            return new Scope(null, "all-changed", "--all-changed: every service with releasable changes");
        }
        String folder = relative(cwd);
        if (folder == null) {
            return new Scope(
                    null,
                    "folder",
                    cwd + " is outside the project (" + projectRoot + "): every service with releasable changes");
        }
        List<ReleasePlanner.Unit> owners = planner.unitsAt(folder);
        if (owners.size() > 1) {
            throw CvaException.usage(
                    "the folder " + folder + " belongs to "
                            + String.join(
                                    " and ",
                                    owners.stream()
                                            .map(ReleasePlanner.Unit::service)
                                            .toList()),
                    "name one with --service");
        }
        if (owners.size() == 1) {
            return new Scope(
                    owners.get(0).service(),
                    "folder",
                    "the folder " + folder + " is " + owners.get(0).service() + "'s");
        }
        return new Scope(
                null,
                "folder",
                (folder.isEmpty() ? "the project's root" : "the folder " + folder + " is no single service's")
                        + ": every service with releasable changes");
    }

    /** {@code cwd} relative to the project ('/'-separated, "" for the root), or null when outside it. */
    private String relative(Path cwd) {
        Path root = real(projectRoot);
        Path here = real(cwd);
        if (!here.startsWith(root)) {
            return null;
        }
        return root.relativize(here).toString().replace('\\', '/');
    }

    private static Path real(Path p) {
        try {
            return p.toAbsolutePath().normalize().toRealPath();
        } catch (java.io.IOException e) {
            return p.toAbsolutePath().normalize(); // a folder that is gone: compare it as written
        }
    }

    public List<ReleasePlanner.Analysis> status(String service) {
        requireCommits();
        List<ReleasePlanner.Unit> units = service == null ? planner.units() : List.of(planner.unit(service));
        return units.stream().map(planner::analyze).toList();
    }

    public Outcome bump(Options o, Consumer<String> warn) {
        return bump(o, warn, plans -> {});
    }

    /** As {@link #bump(Options, Consumer)}; {@code planned} sees the plans before anything is changed. */
    public Outcome bump(Options o, Consumer<String> warn, Consumer<List<ReleasePlanner.Plan>> planned) {
        requireCommits();
        String branch = git.branch().orElse(null);
        if (branch == null) {
            refuseOrWarn(
                    o.dryRun(),
                    warn,
                    "HEAD is detached: a release must be committed on a branch",
                    "check out the branch to release from (git switch main)");
        }
        List<String> dirty = git.dirtyPaths();
        if (!dirty.isEmpty()) {
            String shown =
                    String.join(", ", dirty.subList(0, Math.min(5, dirty.size()))) + (dirty.size() > 5 ? ", …" : "");
            refuseOrWarn(
                    o.dryRun(),
                    warn,
                    "the work tree is not clean (" + shown + ")",
                    "commit or stash your changes (untracked files count too unless ignored)");
        }
        ReleasePlanner.Request request = new ReleasePlanner.Request(o.level(), o.pre(), o.finalizing(), o.force());
        List<ReleasePlanner.Plan> plans = new ArrayList<>();
        if (o.service() != null) {
            plans.add(planner.plan(planner.unit(o.service()), request));
        } else {
            for (ReleasePlanner.Unit unit : planner.units()) {
                ReleasePlanner.State state = planner.state(unit);
                boolean candidate = o.finalizing()
                        ? state.current().isPreRelease()
                        : planner.analyze(unit).implied() != BumpLevel.NONE;
                if (candidate) {
                    plans.add(planner.plan(unit, request));
                }
            }
            if (plans.isEmpty()) {
                throw new CvaException(
                        ExitCode.NOTHING_TO_DO,
                        o.finalizing()
                                ? "nothing to finalize: no service is on a pre-release"
                                : "nothing to release: no service has feat, fix, perf or breaking changes",
                        "'cva version' shows each service's unreleased commits");
            }
        }
        plans.forEach(p -> p.warnings().forEach(warn));
        planned.accept(List.copyOf(plans));
        if (o.dryRun()) {
            return new Outcome(plans, List.of(), false);
        }
        if (o.push() && !hasOrigin()) {
            throw new CvaException(
                    ExitCode.USAGE, "--push needs a remote named 'origin'", "git remote add origin <url>");
        }
        List<ReleaseExecutor.Released> done = new ReleaseExecutor(git).apply(plans, branch, o.push());
        return new Outcome(
                plans, done.stream().map(ReleaseExecutor.Released::commit).toList(), o.push());
    }

    private boolean hasOrigin() {
        return git.repository().getConfig().getSubsections("remote").contains("origin");
    }

    private void requireCommits() {
        if (git.head() == null) {
            throw new CvaException(ExitCode.USAGE, "the repository has no commits yet", "commit the project first");
        }
    }

    private static void refuseOrWarn(boolean dryRun, Consumer<String> warn, String message, String hint) {
        if (!dryRun) {
            throw new CvaException(ExitCode.USAGE, message, hint);
        }
        warn.accept(message + " (a real bump would refuse)");
    }

    @Override
    public void close() {
        git.close();
    }
}
