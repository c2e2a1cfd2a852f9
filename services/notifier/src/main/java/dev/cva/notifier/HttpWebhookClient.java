package dev.cva.notifier;

import dev.cva.contracts.logging.JsonLog;
import dev.cva.contracts.tracing.TraceIds;
import dev.cva.contracts.webhook.Scheme;
import dev.cva.contracts.webhook.WebhookSigner;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * POSTs a webhook with java.net.http, signed in both schemes, re-signed with a fresh timestamp on every try.
 * Retries (Failsafe: exponential backoff with jitter) on connect errors, timeouts, 5xx, 408 and 429, honouring
 * {@code Retry-After} up to a cap; any other answer is final (a 4xx is permanent: not retried).
 *
 * <p>Every try passes one circuit breaker shared by all the instance's concurrent sends: after
 * {@code breakerFailures} consecutive transient failures it opens, and every send fails at once with the reason
 * {@link #CIRCUIT_OPEN} (the caller dead-letters it) instead of spending its retries; after {@code breakerDelay} one
 * try goes through as a probe (half-open), the others still fail fast; a 2xx (or any final answer) closes it.
 * Opening and closing are logged as one JSON line each, {@code "event":"breaker_open"} / {@code "breaker_closed"}.
 */
public final class HttpWebhookClient implements WebhookClient {
    /** The dead-letter reason of a record not sent because the breaker was open. */
    public static final String CIRCUIT_OPEN = "circuit_open";

    private static final EnumSet<Scheme> BOTH = EnumSet.allOf(Scheme.class);

    private final HttpClient http;
    private final java.util.function.Supplier<WebhookSigner> signer;
    private final URI url;
    private final Duration timeout;
    private final RetryPolicy<HttpResponse<Void>> policy;
    private final CircuitBreaker<HttpResponse<Void>> breaker;
    private final Clock clock;
    /** HTTP/2 over TLS (ALPN); plain HTTP/1.1 otherwise, rather than an h2c upgrade some local servers refuse. */
    private final HttpClient.Version version;
    /** The retry jitter's source (thread-safe), seeded anew after a SnapStart restore ({@link #reseed}). */
    private volatile java.util.Random jitter;

    public HttpWebhookClient(HttpClient http, WebhookSigner signer, NotifierConfig config, Clock clock) {
        this(http, signer, config, clock, new JsonLog("notifier"));
    }

    public HttpWebhookClient(HttpClient http, WebhookSigner signer, NotifierConfig config, Clock clock, JsonLog log) {
        this(http, () -> signer, config, clock, log);
    }

    /** {@code signer}: asked once per send, so a secret re-read from Secrets Manager signs the next webhook. */
    public HttpWebhookClient(
            HttpClient http,
            java.util.function.Supplier<WebhookSigner> signer,
            NotifierConfig config,
            Clock clock,
            JsonLog log) {
        this.jitter = new java.util.Random(new java.security.SecureRandom().nextLong());
        this.http = http;
        this.signer = signer;
        this.url = config.webhookUrl();
        this.version =
                "https".equalsIgnoreCase(url.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
        this.timeout = config.timeout();
        this.clock = clock;
        Duration cap = config.retryAfterCap();
        Duration base = config.baseDelay();
        Duration maxDelay = max(config.maxDelay(), base);
        this.policy = RetryPolicy.<HttpResponse<Void>>builder()
                .handle(IOException.class)
                .handleResultIf(r -> retryable(r.statusCode()))
                // an open breaker ends the record's tries at once: it is dead-lettered, not retried
                .abortOn(CircuitBreakerOpenException.class)
                .withMaxAttempts(config.maxAttempts())
                // Retry-After (capped) when the receiver sent one, else exponential backoff with jitter
                .withDelayFn(ctx -> {
                    HttpResponse<Void> last = ctx.getLastResult();
                    Duration asked = last == null ? null : retryAfter(last, clock);
                    return asked != null ? min(asked, cap) : backoff(base, maxDelay, ctx.getAttemptCount(), jitter);
                })
                .build();
        this.breaker = CircuitBreaker.<HttpResponse<Void>>builder()
                .handle(IOException.class)
                .handleResultIf(r -> retryable(r.statusCode()))
                .withFailureThreshold(config.breakerFailures())
                .withDelay(config.breakerDelay())
                .withSuccessThreshold(1)
                .onOpen(e -> log.warn(
                        "circuit breaker open: the receiver keeps failing; records are dead-lettered "
                                + "at once until a probe succeeds",
                        "event",
                        "breaker_open",
                        "url",
                        url.toString(),
                        "consecutiveFailures",
                        config.breakerFailures(),
                        "probeEveryMs",
                        config.breakerDelay().toMillis()))
                .onClose(e -> log.info(
                        "circuit breaker closed: the receiver answers again",
                        "event",
                        "breaker_closed",
                        "url",
                        url.toString()))
                .build();
    }

    /** The breaker's state, for tests and logs: CLOSED, OPEN or HALF_OPEN. */
    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /**
     * Full jitter on an exponential backoff: a random delay in [d/2, d] where d = base * 2^(attempt-1), capped at
     * {@code maxDelay}, so simultaneous failures do not retry in lockstep.
     */
    static Duration backoff(Duration base, Duration maxDelay, int attemptsSoFar) {
        return backoff(base, maxDelay, attemptsSoFar, java.util.concurrent.ThreadLocalRandom.current());
    }

    static Duration backoff(
            Duration base, Duration maxDelay, int attemptsSoFar, java.util.random.RandomGenerator random) {
        long exp = base.toMillis() << Math.min(20, Math.max(0, attemptsSoFar - 1));
        long d = Math.min(maxDelay.toMillis(), exp);
        return Duration.ofMillis(d / 2 + random.nextLong(d / 2 + 1));
    }

    /**
     * Starts the retry jitter from {@code seed}. Every execution environment SnapStart resumes from one snapshot
     * starts with the same random state (ThreadLocalRandom's seeds included), so without a new seed instances
     * restored together would retry in lockstep; {@link NotifierRestore} calls this after each restore.
     */
    public void reseed(long seed) {
        jitter = new java.util.Random(seed);
    }

    /** The jitter's random source (a test compares it with one of a known seed). */
    java.util.random.RandomGenerator jitter() {
        return jitter;
    }

    static boolean retryable(int status) {
        return status >= 500 || status == 429 || status == 408;
    }

    @Override
    public Delivery deliver(String webhookId, byte[] body, String traceId) {
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Integer> lastStatus = new AtomicReference<>();
        try {
            HttpResponse<Void> response = Failsafe.with(policy, breaker).get(() -> {
                attempts.incrementAndGet();
                HttpRequest.Builder request = HttpRequest.newBuilder(url)
                        .version(version)
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "cv-analytics-notifier")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                if (traceId != null) {
                    request.header(TraceIds.TRACEPARENT, TraceIds.traceparent(traceId)); // a new span per try
                }
                for (Map.Entry<String, String> h : signer.get()
                        .sign(body, webhookId, clock.instant(), BOTH)
                        .entrySet()) {
                    request.header(h.getKey(), h.getValue());
                }
                HttpResponse<Void> r = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                lastStatus.set(r.statusCode());
                return r;
            });
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Delivery.Delivered(attempts.get(), status);
            }
            String reason = retryable(status)
                    ? "HTTP " + status + " after " + attempts.get() + " attempts"
                    : "HTTP " + status + " (not retried)";
            return new Delivery.Failed(attempts.get(), status, reason);
        } catch (CircuitBreakerOpenException e) {
            return new Delivery.Failed(attempts.get(), lastStatus.get(), CIRCUIT_OPEN);
        } catch (FailsafeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Delivery.Failed(
                    attempts.get(), lastStatus.get(), describe(cause) + " after " + attempts.get() + " attempts");
        } catch (RuntimeException e) {
            return new Delivery.Failed(attempts.get(), lastStatus.get(), describe(e));
        }
    }

    private String describe(Throwable t) {
        if (t instanceof HttpConnectTimeoutException) {
            return "connect timeout";
        }
        if (t instanceof HttpTimeoutException) {
            return "timeout (no answer within " + timeout.toMillis() + " ms)";
        }
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof IOException) {
            return "I/O error (" + t.getClass().getSimpleName() + ")";
        }
        return t.getClass().getSimpleName();
    }

    /** {@code Retry-After} of a 429/503 answer, as seconds or an HTTP date; {@code null} when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response, Clock clock) {
        String v = response.headers().firstValue("Retry-After").orElse(null);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(v.strip());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(
                        clock.instant(),
                        ZonedDateTime.parse(v.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
