package dev.cva.cli.bump;

import java.util.List;

/** The stable --json shapes of {@code cva bump} and {@code cva version}. */
public final class BumpReport {
    private BumpReport() {}

    /**
     * {@code cva bump --json}: what chose the services ({@code scope}), the plan (one line per release, in the
     * order they are made), then one release per service; {@code commit} is null on a dry run.
     */
    public record Bump(boolean dryRun, boolean pushed, Scope scope, List<Planned> plan, List<Release> releases) {}

    /** {@code service} null: every service with releasable changes; {@code origin} option|all-changed|folder. */
    public record Scope(String service, String origin, String detail) {}

    public record Planned(String service, String from, String to, String level, String tag) {}

    public record Release(
            String service,
            String from,
            String to,
            String level,
            String impliedLevel,
            String reason,
            String tag,
            String commit,
            List<CommitView> commits,
            List<ContractBreakView> contractBreaks,
            List<String> warnings,
            String changelog) {}

    /** A commit touching the service; {@code type} is null when it is not a Conventional Commit. */
    public record CommitView(String id, String subject, String type, String scope, boolean breaking, String level) {}

    /** {@code embeddedIn}: the producer's own schema that embeds {@code schema} through $ref, or null. */
    public record ContractBreakView(String schema, String embeddedIn, String producer, List<String> changes) {}

    /** {@code cva version --json}. */
    public record Versions(List<ServiceVersion> services) {}

    /**
     * {@code tag} is null when no release is tagged yet ({@code version} then comes from the pom);
     * {@code bump} is none|patch|minor|major and {@code next} is null when there is nothing to release;
     * {@code paths} says which paths count as the service's.
     */
    public record ServiceVersion(
            String service,
            String version,
            String tag,
            String paths,
            int unreleasedCommits,
            long releasableCommits,
            String bump,
            String next,
            List<ContractBreakView> contractBreaks) {}

    static Scope scope(BumpService.Scope s) {
        return new Scope(s.service(), s.origin(), s.detail());
    }

    static Planned planned(ReleasePlanner.Plan p) {
        return new Planned(
                p.unit().service(),
                p.from().toString(),
                p.to().toString(),
                p.level().label(),
                p.tag());
    }

    static Release release(ReleasePlanner.Plan p, String commit) {
        return new Release(
                p.unit().service(),
                p.from().toString(),
                p.to().toString(),
                p.level().label(),
                p.implied().label(),
                p.reason(),
                p.tag(),
                commit,
                commits(p.commits()),
                breaks(p.contractBreaks()),
                p.warnings(),
                p.changelog());
    }

    static ServiceVersion version(ReleasePlanner.Analysis a) {
        ReleasePlanner.State s = a.state();
        String next = a.implied() == BumpLevel.NONE
                ? null
                : VersionRules.next(s.current(), s.lastStable(), a.implied(), null, false)
                        .toString();
        return new ServiceVersion(
                s.unit().service(),
                s.current().toString(),
                s.tag(),
                s.unit().paths().describe(),
                a.commits().size(),
                a.releasable(),
                a.implied().label(),
                next,
                breaks(a.contractBreaks()));
    }

    static List<CommitView> commits(List<ReleasePlanner.Change> changes) {
        return changes.stream()
                .map(c -> new CommitView(
                        c.id(),
                        c.subject(),
                        c.type(),
                        c.scope(),
                        c.breaking(),
                        c.level().label()))
                .toList();
    }

    static List<ContractBreakView> breaks(List<ReleasePlanner.ContractBreak> breaks) {
        return breaks.stream()
                .map(b -> new ContractBreakView(b.schema(), b.embeddedIn(), b.producer(), b.changes()))
                .toList();
    }
}
