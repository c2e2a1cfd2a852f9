package dev.cva.cli.audit;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.options.DurationConverter;
import dev.cva.cli.support.Table;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cva audit}: the audit lines of this checkout ({@code .cva/audit.log}), newest last. */
@Command(
        name = "audit",
        description = {
            "The audit trail of this checkout: one line per deploy, promote, rollback and replay-dlq run from here "
                    + "(.cva/audit.log), for the selected environment: when, who, what, before -> after, outcome.",
            "The clouds' copies: CloudWatch Logs /cva/audit and Cloud Logging's cva-audit (README, \"Audit trail\", has the commands).",
            "Exit 0, 4 when no line matches."
        })
public final class AuditCommand implements Callable<Integer> {
    @Option(
            names = "--since",
            paramLabel = "DURATION|TIME",
            description = "Only lines since then: 7d, 12h, or 2026-12-01T00:00:00Z.")
    String since;

    @Option(
            names = "--action",
            paramLabel = "ACTION",
            description = "Only this action (deploy, rollback, replay-dlq, …).")
    String action;

    @Option(names = "--all-environments", description = "Every environment's lines, not only the selected one's.")
    boolean allEnvironments;

    private final CvaContext ctx;

    AuditCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Instant from = since == null ? null : since(since, ctx.clock().instant());
        String env = ctx.environmentName();
        List<AuditEntry> lines = AuditLogFile.in(ctx.projectRoot()).read().stream()
                .filter(e -> allEnvironments || env.equals(e.environment()))
                .filter(e -> from == null || !e.time().isBefore(from))
                .filter(e -> action == null || action.equals(e.action()))
                .toList();
        if (ctx.globals().json()) {
            ctx.printJson(lines);
        } else if (!lines.isEmpty()) {
            Table t = new Table("time", "who", "action", "env", "target", "before -> after", "outcome");
            lines.forEach(e -> t.row(
                    e.time(),
                    e.who(),
                    e.action(),
                    e.environment(),
                    e.target(),
                    (e.before() == null ? "-" : e.before()) + " -> " + (e.after() == null ? "-" : e.after()),
                    e.outcome().wire()
                            + (e.detail() == null || e.outcome() == AuditEntry.Outcome.ok ? "" : ": " + e.detail())));
            t.print(ctx.out());
            ctx.out().flush();
        }
        if (lines.isEmpty()) {
            ctx.info("no audit line" + (allEnvironments ? "" : " for " + env) + " in "
                    + AuditLogFile.in(ctx.projectRoot()).file());
            return ExitCode.NOTHING_TO_DO.code();
        }
        return ExitCode.OK.code();
    }

    static Instant since(String value, Instant now) {
        String v = value.strip();
        try {
            return v.contains("T")
                    ? Instant.parse(v.toUpperCase(java.util.Locale.ROOT))
                    : now.minus(DurationConverter.parse(v));
        } catch (RuntimeException e) { // DateTimeParseException, or the duration parser's own
            throw CvaException.usage(
                    "--since '" + value + "' is neither a duration nor an RFC 3339 time",
                    "e.g. 7d, 12h, 2026-12-01T00:00:00Z");
        }
    }
}
