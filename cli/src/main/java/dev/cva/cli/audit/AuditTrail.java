package dev.cva.cli.audit;

import dev.cva.cli.CvaException;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * The audit trail of one cva invocation: actions that change an environment (deploy, promote, rollback, replay-dlq,
 * secrets rotate) each write one {@link AuditEntry} to every {@link AuditSink} ({@code .cva/audit.log}, and in a
 * cloud environment the cloud's log). Built by {@link Audits#open}. Use:
 *
 * <pre>{@code
 * AuditTrail audit = Audits.open(ctx, Audits.Cloud.AWS);
 * audit.record(audit.entry("secrets rotate", "webhook").change(oldFingerprint, newFingerprint), AuditEntry.Outcome.ok, null);
 * }</pre>
 *
 * <p>The caller's identity is asked once, at the first record, of the {@link CallerIdentity} port. When it cannot be
 * had the line is written all the same, {@code who} saying why ({@code unknown (…)}).
 *
 * <p><b>A line that cannot be written is a warning on stderr, not a failed command.</b> The action it describes has
 * already happened (a version is live, messages moved): failing the command would report a change that took place as
 * one that did not, and a re-run would then find "no change" and record nothing. The cloud keeps its own record of the
 * same calls regardless (CloudTrail management events, Cloud Audit Logs), which is what the trail is checked against.
 */
public final class AuditTrail {
    private final String environment;
    private final CallerIdentity identity;
    private final List<AuditSink> sinks;
    private final Clock clock;
    private final Consumer<String> warn;
    private String who;

    public AuditTrail(
            String environment, CallerIdentity identity, List<AuditSink> sinks, Clock clock, Consumer<String> warn) {
        this.environment = environment;
        this.identity = identity;
        this.sinks = List.copyOf(sinks);
        this.clock = clock;
        this.warn = warn;
    }

    /** A new entry for {@code action} on {@code target}, now, in this environment; outcome ok until said otherwise. */
    public AuditEntry entry(String action, String target) {
        return new AuditEntry(
                clock.instant(), null, action, environment, target, null, null, AuditEntry.Outcome.ok, null);
    }

    /** Writes {@code entry} with this outcome and detail (see {@link #record(AuditEntry)}). */
    public AuditEntry record(AuditEntry entry, AuditEntry.Outcome outcome, String detail) {
        return record(entry.outcome(outcome, detail));
    }

    /**
     * Writes {@code entry} to every sink, its {@code who} filled in from the caller identity when null. Never throws
     * for a sink or identity that fails (a warning says which and why). Returns the entry as written.
     */
    public AuditEntry record(AuditEntry entry) {
        AuditEntry e = entry.who() == null ? entry.who(who()) : entry;
        e.toJson(); // refuses a secret value before anything is written anywhere
        for (AuditSink sink : sinks) {
            try {
                sink.write(e);
            } catch (RuntimeException ex) {
                warn.accept("audit line not written to " + sink.describe() + ": " + ex.getMessage()
                        + (ex instanceof CvaException c && c.hint() != null ? " (" + c.hint() + ")" : ""));
            }
        }
        return e;
    }

    /** Where the lines go, for messages and tests. */
    public List<String> destinations() {
        return sinks.stream().map(AuditSink::describe).toList();
    }

    /** The caller identity, asked once. */
    public synchronized String who() {
        if (who == null) {
            try {
                who = identity.who();
            } catch (RuntimeException ex) {
                warn.accept("audit: cannot tell who is calling: " + ex.getMessage());
                who = "unknown (" + ex.getMessage() + ")";
            }
        }
        return who;
    }
}
