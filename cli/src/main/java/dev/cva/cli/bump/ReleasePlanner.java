package dev.cva.cli.bump;

import com.github.zafarkhaja.semver.Version;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.config.CvaConfig;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Works out, for each releasable unit (the services of cva.yaml and the CLI itself), its current version, the
 * commits since then, what they imply and — for a bump — the next version and its changelog section.
 *
 * <p>The current version is the highest {@code <unit>-v<semver>} tag by SemVer precedence; other units' tags
 * and tags that are not strict SemVer are ignored. With no tag yet the version in the module's own pom.xml
 * counts as released (0.0.0 when it has none), and every commit touching the unit so far is unreleased.
 * The last stable version (what bumps are measured from) is the highest tag without a pre-release part.
 */
public final class ReleasePlanner {

    /**
     * A releasable unit: the service name, its paths, the file that holds its version and its changelog
     * (project-relative). The version file is the module's pom.xml, or for a static site (the dashboard) its npm
     * {@code package.json}.
     */
    public record Unit(String service, ServicePaths paths, String pom, String changelog) {
        public String tagPrefix() {
            return service + "-v";
        }

        /** Whether the version lives in an npm package.json (then package-lock.json and pom.xml follow it). */
        public boolean npm() {
            return pom.endsWith("package.json");
        }
    }

    /** The version written in a unit's version file (pom.xml or package.json). */
    static Optional<String> readVersion(String file, String text) {
        return file.endsWith("package.json") ? PackageJsonVersion.read(text) : PomVersion.read(text);
    }

    /** Where a unit stands: {@code tag} is null when the version comes from the pom (no release tag yet). */
    public record State(
            Unit unit, Version current, Version lastStable, String tag, ObjectId since, ObjectId stableSince) {}

    /** One commit touching the unit, read as a Conventional Commit ({@code type} null when it is not one). */
    public record Change(
            String id,
            String subject,
            String type,
            String scope,
            boolean breaking,
            BumpLevel level,
            ChangelogWriter.Entry entry) {}

    /** A contract schema whose change since the last release breaks its readers. */
    /** {@code embeddedIn}: the schema of {@code producer} that embeds {@code schema} by $ref, or null for its own. */
    public record ContractBreak(String schema, String embeddedIn, String producer, List<String> changes) {
        public String label() {
            return schema + (embeddedIn == null ? "" : " (in " + embeddedIn + ")");
        }

        public String summary() {
            return label() + ": " + String.join("; ", changes);
        }
    }

    public record Analysis(State state, List<Change> commits, List<ContractBreak> contractBreaks, BumpLevel implied) {
        public long releasable() {
            return commits.stream().filter(c -> c.level() != BumpLevel.NONE).count();
        }
    }

    /** What the user asked: {@code level} null means auto. */
    public record Request(BumpLevel level, String pre, boolean finalizing, boolean force) {}

    public record Plan(
            Unit unit,
            Version from,
            Version to,
            BumpLevel level,
            BumpLevel implied,
            String reason,
            List<Change> commits,
            List<ContractBreak> contractBreaks,
            List<String> warnings,
            String tag,
            String changelog) {
        public String commitMessage() {
            return "chore(release): " + unit.service() + " v" + to;
        }
    }

    private final GitRepository git;
    private final Map<String, Unit> units = new LinkedHashMap<>();
    private final Clock clock;

    public ReleasePlanner(GitRepository git, Map<String, CvaConfig.Service> services, Clock clock) {
        this.git = git;
        this.clock = clock;
        services.forEach((name, s) -> {
            if (!ServicePaths.CLI.equals(name)) {
                ServicePaths p = ServicePaths.of(name, s.module());
                String module = p.folders().get(0);
                units.put(
                        name,
                        new Unit(
                                name,
                                p,
                                module + (s.isHosting() ? "/package.json" : "/pom.xml"),
                                module + "/CHANGELOG.md"));
            }
        });
        units.put(
                ServicePaths.CLI,
                new Unit(ServicePaths.CLI, ServicePaths.of(ServicePaths.CLI, "cli"), "cli/pom.xml", "CHANGELOG.md"));
    }

    public List<Unit> units() {
        return List.copyOf(units.values());
    }

    public Unit unit(String service) {
        Unit u = units.get(service);
        if (u == null) {
            throw new CvaException(
                    ExitCode.USAGE,
                    "unknown service '" + service + "'",
                    "one of: " + String.join(", ", units.keySet()));
        }
        return u;
    }

    /**
     * The units whose own folders hold {@code folder} (project-relative, '/'-separated, "" for the project's
     * folder): a module folder and what lies under it, or an {@code infra/} path with a folder named after the
     * service ({@code infra/services/receiver/...}). Contract schemas are files, so a folder never matches them.
     */
    public List<Unit> unitsAt(String folder) {
        if (folder.isEmpty()) {
            return List.of();
        }
        return units.values().stream().filter(u -> u.paths().matches(folder)).toList();
    }

    public State state(Unit unit) {
        TreeMap<Version, GitRepository.Tag> released = new TreeMap<>(VersionRules.PRECEDENCE);
        for (GitRepository.Tag t : git.tags()) {
            if (t.name().startsWith(unit.tagPrefix())) {
                VersionRules.parse(t.name().substring(unit.tagPrefix().length()))
                        .ifPresent(v -> released.merge(v, t, (a, b) -> a));
            }
        }
        if (released.isEmpty()) {
            Version baseline = baseline(unit);
            return new State(unit, baseline, baseline.toStableVersion(), null, null, null);
        }
        Map.Entry<Version, GitRepository.Tag> current = released.lastEntry();
        Optional<Map.Entry<Version, GitRepository.Tag>> stable = released.descendingMap().entrySet().stream()
                .filter(e -> !e.getKey().isPreRelease())
                .findFirst();
        return new State(
                unit,
                current.getKey(),
                stable.map(Map.Entry::getKey).orElseGet(() -> predecessor(current.getKey())),
                current.getValue().name(),
                current.getValue().commit(),
                stable.map(e -> e.getValue().commit()).orElse(null));
    }

    /**
     * With only pre-release tags (say 1.3.0-rc.1), the release line before: 1.2.0 (2.0.0-rc.1 → 1.0.0,
     * 1.0.0-rc.1 → 0.0.0), so that bumps during the line are measured from there.
     */
    static Version predecessor(Version pre) {
        Version v = pre.toStableVersion();
        if (v.patchVersion() > 0) {
            return Version.of(v.majorVersion(), v.minorVersion(), v.patchVersion() - 1);
        }
        if (v.minorVersion() > 0) {
            return Version.of(v.majorVersion(), v.minorVersion() - 1, 0);
        }
        return Version.of(Math.max(0, v.majorVersion() - 1), 0, 0);
    }

    /** The version in the module's own pom.xml at HEAD ("-SNAPSHOT" dropped), else 0.0.0. */
    private Version baseline(Unit unit) {
        ObjectId head = git.head();
        Optional<Version> v = head == null
                ? Optional.empty()
                : git.read(head, unit.pom())
                        .flatMap(t -> readVersion(unit.pom(), t))
                        .flatMap(VersionRules::parse);
        return v.map(x -> x.preReleaseVersion().filter("SNAPSHOT"::equals).isPresent() ? x.toStableVersion() : x)
                .orElse(Version.of(0, 0, 0));
    }

    public Analysis analyze(Unit unit) {
        return analyze(state(unit), false);
    }

    private Analysis analyze(State state, boolean sinceStable) {
        ObjectId since = sinceStable ? state.stableSince() : state.since();
        List<Change> changes = git.commitsSince(since, state.unit().paths()::matches).stream()
                .map(this::change)
                .toList();
        List<ContractBreak> breaks = contractBreaks(state);
        BumpLevel implied = VersionRules.effective(
                changes.stream().map(Change::level).reduce(BumpLevel.NONE, BumpLevel::max), state.lastStable());
        if (!breaks.isEmpty()) {
            // A contract that breaks its readers forces a major even before 1.0.0: readers pin the producer's major.
            implied = BumpLevel.MAJOR;
        }
        return new Analysis(state, changes, breaks, implied);
    }

    private Change change(GitRepository.Commit c) {
        Optional<ConventionalCommit> cc = ConventionalCommit.parse(c.message());
        return cc.map(x -> new Change(
                        c.shortId(),
                        c.subject(),
                        x.type(),
                        x.scope(),
                        x.breaking(),
                        x.level(),
                        ChangelogWriter.entry(x, c.shortId())))
                .orElseGet(() -> new Change(c.shortId(), c.subject(), null, null, false, BumpLevel.NONE, null));
    }

    /**
     * Breaking changes, between the unit's last tag and HEAD, to the contracts it answers for and to the schemas
     * those embed through {@code $ref} (the notifier's webhook body carries the analytics record).
     */
    private List<ContractBreak> contractBreaks(State state) {
        List<ContractBreak> out = new ArrayList<>();
        ObjectId head = git.head();
        if (state.since() == null || head == null) {
            return out; // no release yet: nothing to break
        }
        Map<String, String> embeddedIn = new LinkedHashMap<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>();
        for (String schema : ServicePaths.produced(state.unit().service())) {
            embeddedIn.put(schema, null);
            todo.add(schema);
        }
        while (!todo.isEmpty()) {
            String schema = todo.poll();
            String path = ServicePaths.schemaPath(schema);
            String before = git.read(state.since(), path).orElse(null);
            String after = git.read(head, path).orElse(null);
            List<String> changes = SchemaCompatibility.breakingChanges(before, after);
            if (!changes.isEmpty()) {
                out.add(new ContractBreak(
                        schema, embeddedIn.get(schema), state.unit().service(), changes));
            }
            String root = embeddedIn.get(schema) == null ? schema : embeddedIn.get(schema);
            java.util.Set<String> refs = new java.util.TreeSet<>(SchemaCompatibility.externalRefs(before));
            refs.addAll(SchemaCompatibility.externalRefs(after));
            for (String ref : refs) {
                if (!embeddedIn.containsKey(ref)) {
                    embeddedIn.put(ref, root);
                    todo.add(ref);
                }
            }
        }
        return out;
    }

    public Plan plan(Unit unit, Request request) {
        State state = state(unit);
        Analysis analysis = analyze(state, false);
        List<String> warnings = new ArrayList<>();
        String since = state.tag() != null
                ? "since " + state.tag()
                : "since the first commit (no tag yet; pom version " + state.current() + ")";
        BumpLevel level;
        String reason;
        if (request.finalizing()) {
            if (request.level() != null) {
                throw new CvaException(
                        ExitCode.USAGE,
                        "--finalize takes its version from the pre-release; drop '"
                                + request.level().label() + "'",
                        "cva bump auto --finalize --service " + unit.service());
            }
            level = BumpLevel.NONE;
            reason = "finalize " + state.current();
            analysis = analyze(state, true);
        } else if (request.level() == null) {
            level = analysis.implied();
            if (level == BumpLevel.NONE) {
                throw new CvaException(
                        ExitCode.NOTHING_TO_DO,
                        "nothing to release for " + unit.service() + " " + since + " ("
                                + analysis.commits().size() + " commit(s), none feat, fix, perf or breaking)",
                        "choose a level explicitly (cva bump patch --service " + unit.service()
                                + ") to release anyway");
            }
            reason = "auto: " + describe(analysis) + " " + since;
        } else {
            level = request.level();
            reason = "manual: " + level.label()
                    + (analysis.commits().isEmpty() ? "" : " (" + describe(analysis) + " " + since + ")");
            if (analysis.implied().compareTo(level) > 0) {
                String message = unit.service() + ": the changes " + since + " imply a "
                        + analysis.implied().label() + " release (" + describe(analysis) + "), more than "
                        + level.label();
                if (!request.force()) {
                    throw new CvaException(
                            ExitCode.FAILURE,
                            message,
                            "use 'cva bump " + analysis.implied().label() + "', or pass --force to release as "
                                    + level.label());
                }
                warnings.add(message + "; releasing as " + level.label() + " because of --force");
            }
        }
        Version to = VersionRules.next(state.current(), state.lastStable(), level, request.pre(), request.finalizing());
        if (VersionRules.compare(to, state.current()) <= 0 && state.tag() != null) {
            throw new CvaException(
                    ExitCode.USAGE, unit.service() + ": " + to + " is not higher than " + state.current(), null);
        }
        String tag = unit.tagPrefix() + to;
        if (git.tagExists(tag)) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "tag " + tag + " already exists",
                    "fetch the tags (git fetch --tags) and check 'cva version --service " + unit.service() + "'");
        }
        List<ChangelogWriter.Entry> entries = new ArrayList<>();
        analysis.contractBreaks()
                .forEach(b -> b.changes()
                        .forEach(c -> entries.add(
                                new ChangelogWriter.Entry("Changed", true, "contract", b.label() + ": " + c, null))));
        analysis.commits().stream().map(Change::entry).filter(e -> e != null).forEach(entries::add);
        String section = ChangelogWriter.section(to.toString(), LocalDate.now(clock.withZone(ZoneOffset.UTC)), entries);
        return new Plan(
                unit,
                state.current(),
                to,
                level,
                analysis.implied(),
                reason,
                analysis.commits(),
                analysis.contractBreaks(),
                warnings,
                tag,
                section);
    }

    /** "1 breaking, 2 feat, 1 fix in 5 commits" (+ contract breaks). */
    static String describe(Analysis a) {
        Map<String, Long> byType = a.commits().stream()
                .filter(c -> c.level() != BumpLevel.NONE)
                .collect(Collectors.groupingBy(
                        c -> c.breaking() ? "breaking" : c.type(), TreeMap::new, Collectors.counting()));
        String counts = byType.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        StringBuilder s = new StringBuilder(counts.isEmpty() ? "no releasable commits" : counts)
                .append(" in ")
                .append(a.commits().size())
                .append(" commit(s)");
        a.contractBreaks().forEach(b -> s.append("; contract break ").append(b.summary()));
        return s.toString();
    }
}
