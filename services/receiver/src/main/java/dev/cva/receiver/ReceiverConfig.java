package dev.cva.receiver;

import dev.cva.contracts.webhook.WebhookSecret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the receiver reads from its environment, parsed once. {@link #toString()} shows secret
 * fingerprints only (see {@link WebhookSecret#toString()}).
 *
 * @param rateLimitPerSecond the budget of requests whose signature verifies (see {@link WebhookReceiver})
 * @param unauthenticatedRateLimitPerSecond the separate, small budget of requests that fail authentication
 * @param firestoreDatabase the Firestore database's id ({@code (default)} unless a restore into a new database
 *     switched the receiver to another one)
 * @param emulatorHost {@code host:port} of a Firestore emulator, or empty for the real service
 * @param storeTimeout the most a Firestore write may take before the request answers 503
 */
public record ReceiverConfig(
        WebhookSecret secret,
        Optional<WebhookSecret> previousSecret,
        boolean acceptLegacy,
        int maxBodyBytes,
        long rateLimitPerSecond,
        long rateLimitBurst,
        long unauthenticatedRateLimitPerSecond,
        long unauthenticatedRateLimitBurst,
        int statsShards,
        String firestoreProject,
        String firestoreDatabase,
        Optional<String> emulatorHost,
        Duration storeTimeout) {

    public static final String WEBHOOK_SECRET = "WEBHOOK_SECRET";
    public static final String WEBHOOK_SECRET_PREVIOUS = "WEBHOOK_SECRET_PREVIOUS";
    public static final String WEBHOOK_ACCEPT_LEGACY = "WEBHOOK_ACCEPT_LEGACY";
    public static final String MAX_BODY_BYTES = "MAX_BODY_BYTES";
    public static final String RATE_LIMIT_PER_SECOND = "RATE_LIMIT_PER_SECOND";
    public static final String RATE_LIMIT_BURST = "RATE_LIMIT_BURST";
    public static final String UNAUTHENTICATED_RATE_LIMIT_PER_SECOND = "UNAUTHENTICATED_RATE_LIMIT_PER_SECOND";
    public static final String UNAUTHENTICATED_RATE_LIMIT_BURST = "UNAUTHENTICATED_RATE_LIMIT_BURST";
    public static final String STATS_SHARDS = "STATS_SHARDS";
    public static final String FIRESTORE_PROJECT = "FIRESTORE_PROJECT";
    public static final String GOOGLE_CLOUD_PROJECT = "GOOGLE_CLOUD_PROJECT";
    public static final String FIRESTORE_EMULATOR_HOST = "FIRESTORE_EMULATOR_HOST";
    public static final String FIRESTORE_DATABASE = "FIRESTORE_DATABASE";

    /** The database every project has; the receiver writes to it unless FIRESTORE_DATABASE names another. */
    public static final String DEFAULT_DATABASE = "(default)";

    public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(5);

    public ReceiverConfig {
        if (maxBodyBytes < 1
                || rateLimitPerSecond < 1
                || rateLimitBurst < 1
                || statsShards < 1
                || unauthenticatedRateLimitPerSecond < 1
                || unauthenticatedRateLimitBurst < 1) {
            throw new IllegalArgumentException("limits and shard count must be positive");
        }
        if (firestoreProject == null || firestoreProject.isBlank()) {
            throw new IllegalArgumentException("firestore project is required");
        }
        if (firestoreDatabase == null || !validDatabaseId(firestoreDatabase)) {
            throw new IllegalArgumentException("firestore database id is not valid: " + firestoreDatabase);
        }
    }

    /**
     * Firestore's rule for a database id: {@code (default)}, or 4 to 63 characters of lower-case letters, digits
     * and hyphens, starting with a letter and not ending with a hyphen.
     */
    public static boolean validDatabaseId(String id) {
        return DEFAULT_DATABASE.equals(id) || id.matches("[a-z][a-z0-9-]{2,61}[a-z0-9]");
    }

    /** The configured secrets, current first. */
    public List<WebhookSecret> secrets() {
        List<WebhookSecret> list = new ArrayList<>();
        list.add(secret);
        previousSecret.ifPresent(list::add);
        return list;
    }

    /** Reads the process environment. */
    public static ReceiverConfig fromEnv() {
        return fromEnv(System.getenv());
    }

    /** Parses {@code env}; collects every problem into one {@link ConfigException}. */
    public static ReceiverConfig fromEnv(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        WebhookSecret secret = null;
        String raw = env.get(WEBHOOK_SECRET);
        if (raw == null || raw.isBlank()) {
            problems.add(
                    WEBHOOK_SECRET + " is required (the form is whsec_<base64>; in prod bind it to Secret Manager)");
        } else {
            secret = secret(WEBHOOK_SECRET, raw, problems);
        }
        Optional<WebhookSecret> previous = Optional.empty();
        String rawPrevious = env.get(WEBHOOK_SECRET_PREVIOUS);
        if (rawPrevious != null && !rawPrevious.isBlank()) {
            previous = Optional.ofNullable(secret(WEBHOOK_SECRET_PREVIOUS, rawPrevious, problems));
        }
        boolean legacy = bool(env, WEBHOOK_ACCEPT_LEGACY, true, problems);
        long maxBody = positive(env, MAX_BODY_BYTES, 65_536, 16 * 1024 * 1024, problems);
        long rate = positive(env, RATE_LIMIT_PER_SECOND, 100, 1_000_000, problems);
        long burst = positive(env, RATE_LIMIT_BURST, 20, 1_000_000, problems);
        long failedRate = positive(env, UNAUTHENTICATED_RATE_LIMIT_PER_SECOND, 10, 1_000_000, problems);
        long failedBurst = positive(env, UNAUTHENTICATED_RATE_LIMIT_BURST, 20, 1_000_000, problems);
        long shards = positive(env, STATS_SHARDS, 10, 500, problems);
        String project = firstNonBlank(env.get(FIRESTORE_PROJECT), env.get(GOOGLE_CLOUD_PROJECT));
        if (project == null) {
            problems.add(FIRESTORE_PROJECT + " (or " + GOOGLE_CLOUD_PROJECT + ") is required");
        }
        String database = firstNonBlank(env.get(FIRESTORE_DATABASE));
        if (database == null) {
            database = DEFAULT_DATABASE;
        } else if (!validDatabaseId(database)) {
            problems.add(FIRESTORE_DATABASE + " must be (default) or 4-63 lower-case letters, digits and hyphens"
                    + " starting with a letter, got '" + database + "'");
        }
        Optional<String> emulator = Optional.ofNullable(firstNonBlank(env.get(FIRESTORE_EMULATOR_HOST)));
        emulator.ifPresent(h -> {
            if (!h.matches("[^\\s:/]+:\\d{1,5}")) {
                problems.add(FIRESTORE_EMULATOR_HOST + " must be host:port, got '" + h + "'");
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ReceiverConfig(
                secret,
                previous,
                legacy,
                (int) maxBody,
                rate,
                burst,
                failedRate,
                failedBurst,
                (int) shards,
                project,
                database,
                emulator,
                DEFAULT_STORE_TIMEOUT);
    }

    private static WebhookSecret secret(String name, String raw, List<String> problems) {
        try {
            return WebhookSecret.parse(raw);
        } catch (IllegalArgumentException e) {
            // WebhookSecret's messages never contain the value itself.
            problems.add(name + ": " + e.getMessage());
            return null;
        }
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback, List<String> problems) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> {
                return true;
            }
            case "false", "0", "no", "off" -> {
                return false;
            }
            default -> {
                problems.add(name + " must be true or false, got '" + v + "'");
                return fallback;
            }
        }
    }

    private static long positive(Map<String, String> env, String name, long fallback, long max, List<String> problems) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n < 1 || n > max) {
                problems.add(name + " must be between 1 and " + max + ", got " + n);
                return fallback;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(name + " must be a whole number, got '" + v + "'");
            return fallback;
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }

    /** A copy with another store timeout (tests and the benchmark). */
    public ReceiverConfig withStoreTimeout(Duration timeout) {
        return new ReceiverConfig(
                secret,
                previousSecret,
                acceptLegacy,
                maxBodyBytes,
                rateLimitPerSecond,
                rateLimitBurst,
                unauthenticatedRateLimitPerSecond,
                unauthenticatedRateLimitBurst,
                statsShards,
                firestoreProject,
                firestoreDatabase,
                emulatorHost,
                timeout);
    }
}
