package dev.cva.cli.bump;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cva bump}: release a service (or the CLI) as a SemVer tag with a changelog section. */
@Command(
        name = "bump",
        sortOptions = false,
        description = {
            "Release a service or the CLI: next SemVer, pom <version>, CHANGELOG.md section, commit "
                    + "'chore(release): <service> v<version>' and annotated tag <service>-v<version>.",
            "",
            "Which: --service; else the service whose module folder (services/receiver/...) or infra folder "
                    + "(infra/services/receiver/...) you are in; at the project's root or in a folder no single "
                    + "service owns, every service with releasable changes (as --all-changed, LEVEL applied to "
                    + "each). The plan is listed on stderr first; nothing to release anywhere: exit 4.",
            "",
            "Version: the highest <service>-v<semver> tag by SemVer precedence (other services' tags and "
                    + "non-SemVer tags are ignored); with no tag yet, the <version> of the module's own pom.xml "
                    + "counts as released (0.0.0 if it has none).",
            "",
            "auto: the Conventional Commits since that tag that touch the service's paths decide: "
                    + "feat -> minor; fix, perf, revert, remove, security -> patch; '!' or a BREAKING CHANGE "
                    + "footer -> major (minor while the version is 0.x); chore, docs, test, refactor, ci, build, "
                    + "style -> nothing to release (exit 4). Merge commits count through the commits they bring "
                    + "in. A manual level lower than the commits imply needs --force.",
            "",
            "Paths: a service owns its module from cva.yaml, the contract schemas it produces or consumes "
                    + "(services/contracts/schemas/<name>.schema.json) and infra/**/<service>* (a folder or "
                    + "file named after it); cli owns cli/ and completions/.",
            "",
            "Contracts: a schema change since the producer's last tag that breaks readers (property "
                    + "removed, type changed, new required field, enum value removed) forces a major release of "
                    + "its producer, even before 1.0.0: query-event, response-event, analytics-record -> processor "
                    + "(the chatbot is external); webhook-body -> notifier, with the schemas it embeds by $ref "
                    + "(analytics-record). Additive changes do not.",
            "",
            "Files: <module>/pom.xml and <module>/CHANGELOG.md (cli: cli/pom.xml and the root CHANGELOG.md; "
                    + "dashboard: its package.json, package-lock.json and pom.xml), Keep a Changelog sections below "
                    + "'## [Unreleased]'.",
            "",
            "Safety: refuses a dirty tree, a detached HEAD and an existing tag (a dry run only warns); "
                    + "a failure part-way (including a rejected --push) leaves the repository as it was."
        })
public final class BumpCommand implements Callable<Integer> {

    /** The bump levels on the command line. */
    public enum Level {
        major,
        minor,
        patch,
        auto
    }

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "LEVEL",
            description = "major, minor, patch or auto (optional with --finalize).")
    Level level;

    @Option(
            names = {"-s", "--service"},
            paramLabel = "SERVICE",
            description = "The service to release (a name from cva.yaml, or cli). Default: the service whose module "
                    + "or infra folder you are in; elsewhere (the project's root, say) every service with "
                    + "releasable changes, as --all-changed.")
    String service;

    @Option(
            names = "--all-changed",
            description =
                    "Release every service with releasable changes (LEVEL applied to each; auto: each by its own rule), "
                            + "wherever you are.")
    boolean allChanged;

    @Option(names = "--pre", paramLabel = "LABEL", description = "Make a pre-release: 1.3.0-rc.1, then rc.2, …")
    String pre;

    @Option(
            names = "--finalize",
            description = "Turn the current pre-release into its final version (1.3.0-rc.2 -> 1.3.0).")
    boolean finalize;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Print the plan (from, to, why, commits, changelog) and change nothing.")
    boolean dryRun;

    @Option(names = "--push", description = "Push the release commit and tags to origin.")
    boolean push;

    @Option(
            names = {"-f", "--force"},
            description = "Release a lower level than the commits imply.")
    boolean force;

    private final CvaContext ctx;

    BumpCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (level == null && !finalize) {
            throw CvaException.usage(
                    "missing LEVEL: major, minor, patch or auto",
                    "cva bump minor (in a service's folder), or cva bump auto --service "
                            + (service == null ? "receiver" : service));
        }
        if (finalize && pre != null) {
            throw CvaException.usage("--finalize and --pre exclude each other", null);
        }
        BumpLevel bumpLevel = level == null || level == Level.auto
                ? null
                : BumpLevel.valueOf(level.name().toUpperCase());
        BumpService.Scope scope;
        BumpService.Outcome outcome;
        try (BumpService bumps =
                new BumpService(ctx.projectRoot(), ctx.config().config().services(), ctx.clock())) {
            scope = bumps.scope(service, allChanged, ctx.cwd());
            BumpService.Options options =
                    new BumpService.Options(scope.service(), bumpLevel, pre, finalize, force, dryRun, push);
            outcome = bumps.bump(options, ctx::warn, plans -> announce(scope, plans));
        }
        List<BumpReport.Release> releases = new ArrayList<>();
        for (int i = 0; i < outcome.plans().size(); i++) {
            releases.add(BumpReport.release(
                    outcome.plans().get(i), dryRun ? null : outcome.commits().get(i)));
        }
        if (ctx.globals().json()) {
            ctx.printJson(new BumpReport.Bump(
                    dryRun,
                    outcome.pushed(),
                    BumpReport.scope(scope),
                    outcome.plans().stream().map(BumpReport::planned).toList(),
                    releases));
        } else {
            releases.forEach(this::render);
        }
        return ExitCode.OK.code();
    }

    /** The plan on stderr before anything changes, when the working folder or --all-changed chose the services. */
    private void announce(BumpService.Scope scope, List<ReleasePlanner.Plan> plans) {
        if (!scope.all() && !"folder".equals(scope.origin())) {
            return;
        }
        StringBuilder s = new StringBuilder("plan (" + scope.detail() + "):");
        for (ReleasePlanner.Plan p : plans) {
            s.append("\n  ")
                    .append(p.unit().service())
                    .append(' ')
                    .append(p.from())
                    .append(" -> ")
                    .append(p.to())
                    .append(" (")
                    .append(finalize ? "finalize" : p.level().label())
                    .append(')');
        }
        ctx.info(s.toString());
    }

    private void render(BumpReport.Release r) {
        var out = ctx.out();
        out.println((dryRun ? "would release " : "released ") + r.service() + " " + r.from() + " -> " + r.to() + " ("
                + (finalize ? "finalize" : r.level()) + ")" + (dryRun ? "" : " as " + r.tag()));
        out.println("  why: " + r.reason());
        r.contractBreaks()
                .forEach(b -> out.println("  contract break in " + b.schema()
                        + (b.embeddedIn() == null ? "" : " (embedded in " + b.embeddedIn() + ")") + " (producer "
                        + b.producer()
                        + "): " + String.join("; ", b.changes())));
        if (dryRun) {
            out.println("  tag: " + r.tag());
            out.println("  commits:");
            if (r.commits().isEmpty()) {
                out.println("    (none)");
            }
            r.commits().forEach(c -> out.println("    " + c.id() + " " + c.subject() + "  [" + c.level() + "]"));
            out.println("  changelog:");
            r.changelog().lines().forEach(l -> out.println("    " + l));
        }
        out.flush();
        if (push && !dryRun) {
            ctx.info("pushed " + r.tag() + " to origin");
        }
    }
}
