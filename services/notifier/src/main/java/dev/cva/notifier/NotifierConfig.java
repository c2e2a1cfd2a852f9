package dev.cva.notifier;

import dev.cva.contracts.webhook.WebhookSecret;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything the notifier reads from its environment, resolved in one place. {@link #toString()} shows the
 * secret's fingerprint only. SQS endpoints come from the SDK's own {@code AWS_ENDPOINT_URL_SQS} / {@code AWS_ENDPOINT_URL}.
 */
public record NotifierConfig(
        URI webhookUrl,
        WebhookSecret secret,
        String dlqUrl,
        int maxAttempts,
        Duration timeout,
        Duration baseDelay,
        Duration maxDelay,
        Duration retryAfterCap,
        String region,
        int breakerFailures,
        Duration breakerDelay) {

    /** The breaker's defaults: open after 5 consecutive failures, probe once every 5 seconds while open. */
    public static final int DEFAULT_BREAKER_FAILURES = 5;

    public static final Duration DEFAULT_BREAKER_DELAY = Duration.ofSeconds(5);

    public NotifierConfig(
            URI webhookUrl,
            WebhookSecret secret,
            String dlqUrl,
            int maxAttempts,
            Duration timeout,
            Duration baseDelay,
            Duration maxDelay,
            Duration retryAfterCap,
            String region) {
        this(
                webhookUrl,
                secret,
                dlqUrl,
                maxAttempts,
                timeout,
                baseDelay,
                maxDelay,
                retryAfterCap,
                region,
                DEFAULT_BREAKER_FAILURES,
                DEFAULT_BREAKER_DELAY);
    }

    public NotifierConfig {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("WEBHOOK_MAX_ATTEMPTS must be at least 1");
        }
        if (dlqUrl == null || dlqUrl.isBlank()) {
            throw new IllegalArgumentException("WEBHOOK_DLQ_URL must be set");
        }
        if (breakerFailures < 1) {
            throw new IllegalArgumentException("WEBHOOK_BREAKER_FAILURES must be at least 1");
        }
    }

    /** Without a secret store: {@code WEBHOOK_SECRET} must be set. */
    public static NotifierConfig fromEnv(Map<String, String> env) {
        return fromEnv(env, arn -> {
            throw new IllegalArgumentException("WEBHOOK_SECRET_ARN is set but no secret store is available");
        });
    }

    /**
     * @param secretStore reads a secret's value by ARN; used when {@code WEBHOOK_SECRET} is absent and
     *                    {@code WEBHOOK_SECRET_ARN} names the secret in Secrets Manager (as in prod).
     */
    public static NotifierConfig fromEnv(Map<String, String> env, Function<String, String> secretStore) {
        String url = env.get("WEBHOOK_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("WEBHOOK_URL must be set");
        }
        String secret = env.get("WEBHOOK_SECRET");
        String arn = env.get("WEBHOOK_SECRET_ARN");
        if ((secret == null || secret.isBlank()) && arn != null && !arn.isBlank()) {
            secret = secretStore.apply(arn.strip());
        }
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("WEBHOOK_SECRET (whsec_<base64>) or WEBHOOK_SECRET_ARN must be set");
        }
        return new NotifierConfig(
                URI.create(url.strip()),
                WebhookSecret.parse(secret), // its failure messages never contain the secret
                env.get("WEBHOOK_DLQ_URL"),
                intEnv(env, "WEBHOOK_MAX_ATTEMPTS", 3),
                Duration.ofMillis(intEnv(env, "WEBHOOK_TIMEOUT_MS", 5000)),
                Duration.ofMillis(intEnv(env, "WEBHOOK_BASE_DELAY_MS", 200)),
                Duration.ofMillis(intEnv(env, "WEBHOOK_MAX_DELAY_MS", 5000)),
                Duration.ofMillis(intEnv(env, "WEBHOOK_RETRY_AFTER_CAP_MS", 10000)),
                env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "eu-west-2")),
                intEnv(env, "WEBHOOK_BREAKER_FAILURES", DEFAULT_BREAKER_FAILURES),
                Duration.ofMillis(intEnv(env, "WEBHOOK_BREAKER_DELAY_MS", (int) DEFAULT_BREAKER_DELAY.toMillis())));
    }

    private static int intEnv(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was '" + v + "'");
        }
    }
}
