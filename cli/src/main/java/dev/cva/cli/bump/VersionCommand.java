package dev.cva.cli.bump;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.support.Table;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva version}: each service's released version, unreleased commits and the bump they imply. */
@Command(
        name = "version",
        description = {
            "List each service's current version (its highest <service>-v<semver> tag, else its pom version), "
                    + "the commits touching it since then and the bump 'cva bump auto' would make.",
            "See 'cva bump --help' for the paths each service owns and the rules."
        })
public final class VersionCommand implements Callable<Integer> {

    @Option(
            names = {"-s", "--service"},
            paramLabel = "SERVICE",
            description = "Only this service (or cli).")
    String service;

    private final CvaContext ctx;

    VersionCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<BumpReport.ServiceVersion> versions;
        try (BumpService bumps =
                new BumpService(ctx.projectRoot(), ctx.config().config().services(), ctx.clock())) {
            versions = bumps.status(service).stream().map(BumpReport::version).toList();
        }
        if (ctx.globals().json()) {
            ctx.printJson(new BumpReport.Versions(versions));
            return ExitCode.OK.code();
        }
        Table t = new Table("SERVICE", "VERSION", "TAG", "UNRELEASED", "BUMP", "NEXT");
        versions.forEach(v -> t.row(
                v.service(),
                v.version(),
                v.tag() == null ? "(pom)" : v.tag(),
                v.unreleasedCommits() + " (" + v.releasableCommits() + " releasable)",
                v.bump(),
                v.next() == null ? "-" : v.next()));
        t.print(ctx.out());
        versions.stream()
                .filter(v -> !v.contractBreaks().isEmpty())
                .forEach(v -> v.contractBreaks()
                        .forEach(b -> ctx.warn(v.service() + ": contract break in " + b.schema()
                                + (b.embeddedIn() == null ? "" : " (embedded in " + b.embeddedIn() + ")") + ": "
                                + String.join("; ", b.changes()))));
        return ExitCode.OK.code();
    }
}
