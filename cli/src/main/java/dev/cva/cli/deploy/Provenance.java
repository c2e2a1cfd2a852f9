package dev.cva.cli.deploy;

import dev.cva.cli.artifact.ProvenanceLine;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deploy's {@link ProvenanceLine}: written from its plan, read back into the revision {@code cva status} and
 * {@code cva rollback --to} show.
 */
public final class Provenance {
    public static final String PREFIX = ProvenanceLine.PREFIX;

    private Provenance() {}

    public static String encode(DeployPlan plan, Instant at) {
        return encode(plan.version(), plan.gitSha(), plan.dirty(), plan.sha256(), at);
    }

    /** The same line for any revision; an unknown {@code version} is left out rather than written as "null". */
    public static String encode(String version, String gitSha, boolean dirty, String sha256, Instant at) {
        return ProvenanceLine.encode(version, gitSha, dirty, sha256, at);
    }

    /** The revision {@code id} with what {@code text} recorded, or with nulls when cva did not write it. */
    public static DeployTarget.Revision decode(String id, String text, Instant fallbackTime) {
        Map<String, String> f = new LinkedHashMap<>();
        if (text != null && text.startsWith(PREFIX)) {
            for (String part : text.substring(PREFIX.length()).trim().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    f.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
        }
        Instant at = fallbackTime;
        try {
            if (f.containsKey("at")) {
                at = Instant.parse(f.get("at"));
            }
        } catch (DateTimeParseException ignored) {
            // keep the platform's time
        }
        return new DeployTarget.Revision(
                id,
                f.get("version"),
                f.get("git"),
                f.containsKey("dirty") ? Boolean.valueOf(f.get("dirty")) : null,
                f.get("sha256"),
                at);
    }
}
