package dev.cva.cli.deploy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one line cva records on every revision it deploys (a Lambda version's Description, the {@code CVA_DEPLOY}
 * variable of a Cloud Run revision): {@code cva version=1.2.0 git=<sha> dirty=false sha256=<hex> at=<instant>}.
 * Under Lambda's 256-character limit; read back by {@code cva status} and {@code cva rollback --to}.
 */
public final class Provenance {
    public static final String PREFIX = "cva ";

    private Provenance() {}

    public static String encode(DeployPlan plan, Instant at) {
        return encode(plan.version(), plan.gitSha(), plan.dirty(), plan.sha256(), at);
    }

    /** The same line for any revision; an unknown {@code version} is left out rather than written as "null". */
    public static String encode(String version, String gitSha, boolean dirty, String sha256, Instant at) {
        return PREFIX + (version == null ? "" : "version=" + version + " ") + "git=" + gitSha + " dirty=" + dirty
                + " sha256=" + sha256 + " at=" + at;
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
