package dev.cva.cli.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.util.Objects;

/**
 * One audit line: who did what to which target in which environment, the state before and after, and how it ended.
 * Its JSON form (one line, fields in this order) is what {@code .cva/audit.log}, the CloudWatch log group
 * {@code /cva/audit} and Cloud Logging's {@code cva-audit} hold (README, "Audit trail"):
 * {@code {"time","who","action","environment","target","before","after","outcome","detail"}}.
 *
 * <p>{@code before}/{@code after} name revisions, versions, counts or secret <em>fingerprints</em>: never a secret
 * value. Callers keep it so; {@link #toJson()} refuses a line that looks like one (a {@code whsec_} value).
 *
 * @param time        when the action ended
 * @param who         the caller identity ({@link CallerIdentity}): an IAM ARN, a Google account e-mail, {@code user@local}
 * @param action      {@code deploy}, {@code deploy promote}, {@code rollback}, {@code replay-dlq}, {@code secrets rotate}, …
 * @param environment the cva environment ({@code local}, {@code prod})
 * @param target      the service, queue or secret acted on
 * @param before      what was there before (a revision, a depth, a fingerprint), or null
 * @param after       what is there after, or null
 * @param outcome     how it ended
 * @param detail      a reason or a short note (the failure's message), or null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"time", "who", "action", "environment", "target", "before", "after", "outcome", "detail"})
public record AuditEntry(
        Instant time,
        String who,
        String action,
        String environment,
        String target,
        String before,
        String after,
        Outcome outcome,
        String detail) {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .findAndAddModules()
            .build();

    /** How an audited action ended. {@code ok}: it changed what it meant to; the others changed nothing or not all. */
    public enum Outcome {
        ok,
        no_change,
        partial,
        failed;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().replace('_', '-');
        }
    }

    public AuditEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** The same entry with the state before and after. */
    public AuditEntry change(String before, String after) {
        return new AuditEntry(time, who, action, environment, target, before, after, outcome, detail);
    }

    /** The same entry with its outcome and detail. */
    public AuditEntry outcome(Outcome outcome, String detail) {
        return new AuditEntry(time, who, action, environment, target, before, after, outcome, detail);
    }

    /** The same entry by {@code who}. */
    public AuditEntry who(String who) {
        return new AuditEntry(time, who, action, environment, target, before, after, outcome, detail);
    }

    /** One line of JSON, no newline. Throws when a field holds what looks like a webhook secret's value. */
    public String toJson() {
        String line;
        try {
            line = JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render an audit line", e);
        }
        if (line.contains("whsec_")) {
            throw new IllegalArgumentException(
                    "an audit line must not hold a secret value (a whsec_ value in " + action + " of " + target + ")");
        }
        return line;
    }

    /** Reads a line written by {@link #toJson()}. */
    public static AuditEntry parse(String line) {
        try {
            return JSON.readValue(line, AuditEntry.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an audit line: " + e.getOriginalMessage(), e);
        }
    }
}
