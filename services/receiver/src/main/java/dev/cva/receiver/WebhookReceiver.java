package dev.cva.receiver;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cva.contracts.Contract;
import dev.cva.contracts.ContractValidator;
import dev.cva.contracts.Violation;
import dev.cva.contracts.tracing.TraceIds;
import dev.cva.contracts.webhook.Scheme;
import dev.cva.contracts.webhook.Verification;
import dev.cva.contracts.webhook.Verification.Rejected;
import dev.cva.contracts.webhook.Verification.Verified;
import dev.cva.contracts.webhook.WebhookVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The receiver's rules, independent of the HTTP runtime. Checks run in this order: method, size, signature
 * (before any JSON parsing), replay, rate, schema, store. Only a request whose signature verifies, within the
 * timestamp tolerance and not a replay, spends a token of the signed budget ({@code RATE_LIMIT_*}), so forged
 * traffic cannot starve the notifier's real webhooks. Every request that fails authentication spends a token
 * of a separate, small budget ({@code UNAUTHENTICATED_RATE_LIMIT_*}); once that is empty such requests are
 * answered 429 instead of 401. It is one budget per instance, not per client address: the address is not a
 * trustworthy key (forwarded headers are the client's to write; many senders share cloud egress addresses),
 * and a map keyed by it would be memory a flood could grow.
 */
public final class WebhookReceiver {
    public static final String HEALTH_PATH = "/healthz";
    static final int REPLAY_CACHE_ENTRIES = 100_000;

    /** One HTTP request as the runtime hands it over; {@code body} is read at most {@code limit + 1} bytes. */
    public record Request(
            String method,
            String path,
            Map<String, List<String>> headers,
            OptionalLong contentLength,
            InputStream body) {
        /**
         * The W3C trace id of the {@code traceparent} header; empty when there is none or it is malformed (tolerant:
         * tracing never refuses a webhook).
         */
        public Optional<String> traceId() {
            return TraceIds.fromTraceparent(traceparent());
        }

        /** The raw {@code traceparent} header (any case of the name), or {@code null}. */
        public String traceparent() {
            if (headers == null) {
                return null;
            }
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (TraceIds.TRACEPARENT.equalsIgnoreCase(h.getKey())
                        && h.getValue() != null
                        && !h.getValue().isEmpty()) {
                    return h.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final ReceiverConfig config;
    private final AnalyticsStore store;
    private final Clock clock;
    /** The secrets to accept now (fixed, or re-read from Secret Manager) and the verifier of the last ones seen. */
    private final java.util.function.Supplier<List<dev.cva.contracts.webhook.WebhookSecret>> secrets;

    private volatile Verifier verifier;

    private record Verifier(List<dev.cva.contracts.webhook.WebhookSecret> secrets, WebhookVerifier verifier) {}

    private final ReplayGuard replays;
    private final RateLimiter signedLimiter;
    private final RateLimiter unauthenticatedLimiter;
    private final ContractValidator validator;
    private final ObjectMapper mapper;

    public WebhookReceiver(ReceiverConfig config, AnalyticsStore store, Clock clock) {
        this(config, store, clock, fixed(config.secrets()));
    }

    /** {@code secrets}: asked on each request (cheap: {@link SecretManagerSecrets} re-reads only every few seconds). */
    public WebhookReceiver(
            ReceiverConfig config,
            AnalyticsStore store,
            Clock clock,
            java.util.function.Supplier<List<dev.cva.contracts.webhook.WebhookSecret>> secrets) {
        this.secrets = secrets;
        this.config = config;
        this.store = store;
        this.clock = clock;
        List<dev.cva.contracts.webhook.WebhookSecret> first = secrets.get();
        this.verifier = new Verifier(first, new WebhookVerifier(first, config.acceptLegacy(), clock));
        this.replays = new ReplayGuard(clock, WebhookVerifier.DEFAULT_TOLERANCE, REPLAY_CACHE_ENTRIES);
        this.signedLimiter = new RateLimiter(config.rateLimitPerSecond(), config.rateLimitBurst(), clock);
        this.unauthenticatedLimiter = new RateLimiter(
                config.unauthenticatedRateLimitPerSecond(), config.unauthenticatedRateLimitBurst(), clock);
        // Strict parsing: a signed body must mean one thing (no duplicate keys, nothing after the document).
        this.mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        this.validator = new ContractValidator(mapper);
    }

    private static java.util.function.Supplier<List<dev.cva.contracts.webhook.WebhookSecret>> fixed(
            List<dev.cva.contracts.webhook.WebhookSecret> secrets) {
        List<dev.cva.contracts.webhook.WebhookSecret> copy = List.copyOf(secrets);
        return () -> copy;
    }

    /** The verifier of the secrets accepted now: a new one only when they changed. */
    private WebhookVerifier verifier() {
        List<dev.cva.contracts.webhook.WebhookSecret> now = secrets.get();
        Verifier v = verifier;
        if (v.secrets() != now && !v.secrets().equals(now)) {
            v = new Verifier(now, new WebhookVerifier(now, config.acceptLegacy(), clock));
            verifier = v;
        }
        return v.verifier();
    }

    /** See {@link AnalyticsStore#warmUp()}. */
    public void warmUp() {
        store.warmUp();
    }

    public Response handle(Request request) {
        String method = request.method() == null ? "" : request.method().toUpperCase(Locale.ROOT);
        if (method.equals("GET") && HEALTH_PATH.equals(request.path())) {
            try {
                store.check(); // healthy means the store answers, not only this process
            } catch (StoreUnavailableException e) {
                return Response.error(503, "store_unavailable", "the store does not answer")
                        .withLogDetail(e.getMessage());
            }
            return Response.ok(Map.of("status", "ok", "version", BuildInfo.version()), null, null);
        }
        if (!method.equals("POST")) {
            return Response.error(
                    405,
                    "method_not_allowed",
                    "only POST is accepted (and GET " + HEALTH_PATH + ")",
                    Map.of("Allow", "POST"));
        }
        Response tooLarge =
                Response.error(413, "payload_too_large", "the body is larger than " + config.maxBodyBytes() + " bytes");
        if (request.contentLength().isPresent() && request.contentLength().getAsLong() > config.maxBodyBytes()) {
            return tooLarge;
        }
        byte[] body;
        try {
            Optional<byte[]> read = BoundedBody.read(request.body(), config.maxBodyBytes());
            if (read.isEmpty()) {
                return tooLarge;
            }
            body = read.get();
        } catch (IOException e) {
            return Response.error(400, "unreadable_body", "the request body could not be read");
        }
        Verification verification = verifier().verify(request.headers(), body);
        if (verification instanceof Rejected rejected) {
            return unauthenticated(
                    Response.error(401, rejected.reason().name().toLowerCase(Locale.ROOT), rejected.detail()));
        }
        Verified verified = (Verified) verification;
        boolean claimed = false;
        if (verified.scheme() == Scheme.STANDARD) {
            if (!replays.claim(verified.messageId(), verified.timestamp())) {
                // The very same request again: a sender's second delivery in the same second (two notifier runs
                // handed one stream record), or a replay by anyone who saw it, which proves nothing about its sender.
                // Neither stores anything nor spends the signed budget; both get the truth: already stored (a
                // duplicate), or still being stored (come again).
                Response answer = replays.isStored(verified.messageId(), verified.timestamp())
                        ? duplicateOf(body)
                        : Response.error(
                                429,
                                "in_progress",
                                "the same request is being stored; retry after 1 s",
                                Map.of("Retry-After", "1"));
                return repeated(answer).withScheme(verified.scheme());
            }
            claimed = true;
        }
        long wait = signedLimiter.tryAcquire();
        if (wait > 0) {
            if (claimed) {
                replays.release(verified.messageId(), verified.timestamp()); // not stored: it may come again as is
            }
            return rateLimited("too many requests; retry after " + wait + " s", wait)
                    .withScheme(verified.scheme());
        }
        Response response =
                validateAndStore(body, request.traceId().orElse(null)).withScheme(verified.scheme());
        if (claimed && response.status() == 200) {
            replays.stored(verified.messageId(), verified.timestamp());
        } else if (claimed) {
            // Nothing was stored: let the sender resend the very same request.
            replays.release(verified.messageId(), verified.timestamp());
        }
        return response;
    }

    /** A repeated request's answer, or 429 once the unauthenticated budget is spent (repeats cost nothing signed). */
    private Response repeated(Response answer) {
        long wait = unauthenticatedLimiter.tryAcquire();
        return (wait > 0 ? rateLimited("too many repeated requests; retry after " + wait + " s", wait) : answer)
                .withLogDetail("replayed");
    }

    /** The answer to a repeat of a stored request: what the idempotent store says of a second delivery. */
    private Response duplicateOf(byte[] body) {
        String requestId = null;
        try {
            requestId = mapper.readTree(body).path("data").path("requestId").asText(null);
        } catch (IOException e) {
            // it was stored, so it parsed once; an answer without the id is still the truth
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "duplicate");
        answer.put("duplicate", true);
        if (requestId != null) {
            answer.put("requestId", requestId);
        }
        return Response.ok(answer, requestId, null);
    }

    /** A request that failed authentication: its 401, or 429 once the unauthenticated budget is spent. */
    private Response unauthenticated(Response refusal) {
        long wait = unauthenticatedLimiter.tryAcquire();
        return wait > 0
                ? rateLimited("too many requests that failed authentication; retry after " + wait + " s", wait)
                        .withLogDetail(refusal.error())
                : refusal;
    }

    private static Response rateLimited(String message, long wait) {
        return Response.error(429, "rate_limited", message, Map.of("Retry-After", Long.toString(wait)));
    }

    private Response validateAndStore(byte[] body, String traceId) {
        JsonNode document;
        try {
            document = mapper.readTree(body);
        } catch (IOException e) {
            String detail = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? jpe.getOriginalMessage()
                    : "unreadable";
            return Response.invalid(
                    "malformed_json", "the body is not valid JSON", List.of(new Violation("$", detail)));
        }
        if (document == null || document.isMissingNode()) {
            return Response.invalid(
                    "malformed_json", "the body is empty", List.of(new Violation("$", "empty document")));
        }
        List<Violation> violations = validator.validate(Contract.WEBHOOK_BODY, document);
        if (!violations.isEmpty()) {
            return Response.invalid(
                    "invalid_payload",
                    "the body breaks the webhook-body contract (" + violations.size() + " violation"
                            + (violations.size() == 1 ? "" : "s") + ")",
                    violations);
        }
        AnalyticsRecord record;
        try {
            record = AnalyticsRecord.from(document.get("data"), clock.instant(), traceId);
        } catch (UnstorableException e) {
            return Response.invalid(
                    "unstorable", "the body cannot be stored", List.of(new Violation(e.path(), e.getMessage())));
        }
        try {
            AnalyticsStore.Result result = store.store(record);
            Map<String, Object> answer = new LinkedHashMap<>();
            if (result instanceof AnalyticsStore.Duplicate) {
                answer.put("status", "duplicate");
                answer.put("duplicate", true);
            } else {
                answer.put("status", "stored");
            }
            answer.put("requestId", record.requestId());
            return Response.ok(answer, record.requestId(), null);
        } catch (StoreUnavailableException e) {
            return Response.error(
                            503,
                            "store_unavailable",
                            "the analytics store is unavailable; retry later",
                            Map.of("Retry-After", "1"))
                    .withRequestId(record.requestId())
                    .withLogDetail(e.getMessage());
        } catch (UnstorableException e) {
            return Response.invalid(
                            "unstorable",
                            "the store refused the record",
                            List.of(new Violation(e.path(), e.getMessage())))
                    .withRequestId(record.requestId());
        }
    }
}
