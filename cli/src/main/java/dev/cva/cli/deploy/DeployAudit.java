package dev.cva.cli.deploy;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.audit.AuditEntry;
import dev.cva.cli.audit.AuditTrail;
import dev.cva.cli.audit.Audits;
import dev.cva.cli.config.CvaConfig;
import java.util.function.Supplier;

/**
 * One audit line per service a deploy, promote or rollback touched ({@link AuditTrail}): who, the action, the
 * service, the live revision before and after, the outcome. A dry run ({@code planned}) writes none; a failure
 * does (outcome {@code failed}, its message as detail), except bad usage, which reaches no cloud.
 */
final class DeployAudit {
    private final CvaContext ctx;
    private AuditTrail aws;
    private AuditTrail gcp;
    private Audits.Cloud cloud;

    DeployAudit(CvaContext ctx) {
        this.ctx = ctx;
    }

    /** Runs {@code work} and audits its result, or its failure, as {@code action} on {@code service}. */
    DeployResult run(String action, String service, Supplier<DeployResult> work) {
        return run(action, service, null, work);
    }

    /** The same on the cloud given ({@code null}: the service's cloud in cva.yaml), e.g. the dashboard on GCP. */
    DeployResult run(String action, String service, Audits.Cloud cloud, Supplier<DeployResult> work) {
        this.cloud = cloud;
        DeployResult r;
        try {
            r = work.get();
        } catch (CvaException e) {
            if (e.exitCode() != ExitCode.USAGE) {
                AuditTrail trail = trail(service);
                trail.record(
                        trail.entry(action, service),
                        e.exitCode() == ExitCode.NOTHING_TO_DO
                                ? AuditEntry.Outcome.no_change
                                : AuditEntry.Outcome.failed,
                        e.getMessage());
            }
            throw e;
        } catch (RuntimeException e) {
            AuditTrail trail = trail(service);
            trail.record(trail.entry(action, service), AuditEntry.Outcome.failed, String.valueOf(e.getMessage()));
            throw e;
        }
        if (r.outcome() != DeployResult.Outcome.planned) {
            AuditTrail trail = trail(service);
            trail.record(
                    trail.entry(action, service).change(describe(r.from()), describe(r.to())),
                    outcome(action, r),
                    r.reason());
        }
        return r;
    }

    /** A deploy that was rolled back after its smoke test failed is a failed deploy; a rollback that did is ok. */
    private static AuditEntry.Outcome outcome(String action, DeployResult r) {
        return switch (r.outcome()) {
            case deployed, promoted -> AuditEntry.Outcome.ok;
            case rolled_back -> action.equals("rollback") ? AuditEntry.Outcome.ok : AuditEntry.Outcome.failed;
            case no_change, planned -> AuditEntry.Outcome.no_change;
            case failed -> AuditEntry.Outcome.failed;
        };
    }

    /** {@code 7 (1.3.0, git 1a2b3c4)}, or null for none. */
    static String describe(DeployResult.RevisionView v) {
        if (v == null) {
            return null;
        }
        StringBuilder s = new StringBuilder(String.valueOf(v.revision()));
        if (v.version() != null || v.gitSha() != null) {
            s.append(" (").append(v.version() == null ? "?" : v.version());
            if (v.gitSha() != null) {
                s.append(", git ").append(v.gitSha(), 0, Math.min(7, v.gitSha().length()));
            }
            s.append(')');
        }
        return s.toString();
    }

    private AuditTrail trail(String service) {
        CvaConfig.Service spec = ctx.config().config().services().get(service);
        if (cloud == Audits.Cloud.GCP || (cloud == null && spec != null && spec.cloud() == CvaConfig.Cloud.GCP)) {
            return gcp == null ? gcp = Audits.open(ctx, Audits.Cloud.GCP) : gcp;
        }
        return aws == null ? aws = Audits.open(ctx, Audits.Cloud.AWS) : aws;
    }
}
