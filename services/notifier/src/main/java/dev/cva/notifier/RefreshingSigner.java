package dev.cva.notifier;

import dev.cva.contracts.logging.JsonLog;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookSigner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The signer of the secret's current value: re-read from Secrets Manager ({@code AWSCURRENT} of
 * {@code WEBHOOK_SECRET_ARN}) at most once every {@code WEBHOOK_SECRET_REFRESH_SECONDS} (30), so that a
 * {@code cva secrets rotate} switch reaches a warm Lambda within that time rather than at its next cold start. A read
 * that fails keeps the last good secret (and logs the error once per attempt, never a value).
 */
public final class RefreshingSigner implements Supplier<WebhookSigner> {
    public static final String REFRESH_ENV = "WEBHOOK_SECRET_REFRESH_SECONDS";
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

    private final String arn;
    private final Function<String, String> store;
    private final Duration refresh;
    private final Clock clock;
    private final JsonLog log;
    private WebhookSecret secret;
    private WebhookSigner signer;
    private Instant readAt;

    public RefreshingSigner(
            String arn,
            Function<String, String> store,
            WebhookSecret first,
            Duration refresh,
            Clock clock,
            JsonLog log) {
        this.arn = arn;
        this.store = store;
        this.refresh = refresh;
        this.clock = clock;
        this.log = log;
        this.secret = first;
        this.signer = new WebhookSigner(first);
        this.readAt = clock.instant();
    }

    /** The refresh interval of {@code env} (whole seconds, at least 1). */
    public static Duration refresh(java.util.Map<String, String> env) {
        String v = env.get(REFRESH_ENV);
        if (v == null || v.isBlank()) {
            return DEFAULT_REFRESH;
        }
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(v.strip())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(REFRESH_ENV + " must be a whole number of seconds, was '" + v + "'");
        }
    }

    /**
     * Makes the next {@link #get} re-read the secret whatever the time since the last read: after a SnapStart restore
     * (see {@link NotifierRestore}) the secret in memory is the one read when the version's snapshot was made, which
     * may be older than a rotation.
     */
    public synchronized void expire() {
        readAt = null;
    }

    @Override
    public synchronized WebhookSigner get() {
        Instant now = clock.instant();
        if (readAt == null || Duration.between(readAt, now).compareTo(refresh) >= 0) {
            readAt = now;
            try {
                WebhookSecret read = WebhookSecret.parse(store.apply(arn));
                if (!read.equals(secret)) {
                    log.info("webhook secret changed", "from", secret.fingerprint(), "to", read.fingerprint());
                    secret = read;
                    signer = new WebhookSigner(read);
                }
            } catch (RuntimeException e) {
                // the messages of SecretsManagerSecrets and WebhookSecret never hold a value
                log.warn("webhook secret not re-read; signing with the last one", "reason", e.getMessage());
            }
        }
        return signer;
    }
}
