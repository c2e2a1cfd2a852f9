package dev.cva.receiver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.cva.contracts.logging.JsonLog;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The Cloud Functions (gen2) entry point. It only adapts HTTP to {@link WebhookReceiver}, writes the JSON
 * answer and one log line per request. Clients are built once, when the runtime creates the function.
 */
public class ReceiverFunction implements HttpFunction, AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final WebhookReceiver receiver;
    private final JsonLog log;
    private final AutoCloseable owned;

    /** For the Functions Framework: reads the environment once; a bad environment fails the start, clearly. */
    public ReceiverFunction() {
        this(Startup.fromEnv(System.getenv()));
        if ("true".equalsIgnoreCase(System.getenv("RECEIVER_WARMUP"))) {
            warmUp();
        }
    }

    /** One store write before the first request (best effort: a store that is down is reported by /healthz). */
    void warmUp() {
        long start = System.nanoTime();
        try {
            receiver.warmUp();
            log.info("store warmed up", "ms", (System.nanoTime() - start) / 1_000_000);
        } catch (StoreUnavailableException e) {
            log.warn("store warm-up failed", "reason", e.getMessage());
        }
    }

    /**
     * What the environment gives: the configuration and, with {@code WEBHOOK_SECRET_RESOURCE}, the secrets re-read from
     * Secret Manager (then {@code WEBHOOK_SECRET} and {@code WEBHOOK_SECRET_PREVIOUS} are its newest two enabled
     * versions, not variables).
     */
    private record Startup(ReceiverConfig config, SecretManagerSecrets secrets) {
        static Startup fromEnv(java.util.Map<String, String> env) {
            try {
                String resource = env.get(SecretManagerSecrets.RESOURCE);
                if (resource == null || resource.isBlank()) {
                    return new Startup(ReceiverConfig.fromEnv(env), null);
                }
                SecretManagerSecrets secrets =
                        SecretManagerSecrets.fromEnv(env, Clock.systemUTC(), new JsonLog("receiver"));
                java.util.Map<String, String> withSecrets = new java.util.HashMap<>(env);
                List<dev.cva.contracts.webhook.WebhookSecret> now = secrets.get();
                withSecrets.put(ReceiverConfig.WEBHOOK_SECRET, now.get(0).reveal());
                withSecrets.remove(ReceiverConfig.WEBHOOK_SECRET_PREVIOUS);
                if (now.size() > 1) {
                    withSecrets.put(
                            ReceiverConfig.WEBHOOK_SECRET_PREVIOUS, now.get(1).reveal());
                }
                return new Startup(ReceiverConfig.fromEnv(withSecrets), secrets);
            } catch (ConfigException e) {
                // One structured line for Cloud Logging, then fail the start (the message holds no secret).
                new JsonLog("receiver").error("receiver cannot start", "problems", e.problems());
                throw e;
            } catch (IllegalStateException e) {
                new JsonLog("receiver").error("receiver cannot start", "problems", List.of(e.getMessage()));
                throw e;
            }
        }
    }

    private ReceiverFunction(Startup startup) {
        this(startup.config(), startup.secrets(), Clock.systemUTC());
    }

    private ReceiverFunction(ReceiverConfig config, SecretManagerSecrets secrets, Clock clock) {
        this(config, FirestoreAnalyticsStore.reconnecting(config), clock, secrets);
    }

    private ReceiverFunction(
            ReceiverConfig config, FirestoreAnalyticsStore owned, Clock clock, SecretManagerSecrets secrets) {
        this(config, owned, clock, new JsonLog("receiver", System.out, clock), closeBoth(owned, secrets), secrets);
    }

    private static AutoCloseable closeBoth(AutoCloseable a, AutoCloseable b) {
        return () -> {
            try {
                a.close();
            } finally {
                if (b != null) {
                    b.close();
                }
            }
        };
    }

    /** A given configuration; connects to the Firestore (or emulator) it names. */
    protected ReceiverFunction(ReceiverConfig config) {
        this(config, Clock.systemUTC());
    }

    /** A given configuration and clock (signature tolerance, replay window, rate limits, receivedAt). */
    protected ReceiverFunction(ReceiverConfig config, Clock clock) {
        this(config, FirestoreAnalyticsStore.reconnecting(config), clock);
    }

    private ReceiverFunction(ReceiverConfig config, FirestoreAnalyticsStore owned, Clock clock) {
        this(config, owned, clock, new JsonLog("receiver", System.out, clock), owned);
    }

    /** For tests and embedding: a given configuration, Firestore client (kept open) and clock. */
    public ReceiverFunction(ReceiverConfig config, Firestore firestore, Clock clock) {
        this(
                config,
                new FirestoreAnalyticsStore(firestore, config.statsShards(), config.storeTimeout()),
                clock,
                new JsonLog("receiver", System.out, clock),
                null);
    }

    ReceiverFunction(ReceiverConfig config, AnalyticsStore store, Clock clock, JsonLog log, AutoCloseable owned) {
        this(config, store, clock, log, owned, null);
    }

    private ReceiverFunction(
            ReceiverConfig config,
            AnalyticsStore store,
            Clock clock,
            JsonLog log,
            AutoCloseable owned,
            SecretManagerSecrets secrets) {
        this.receiver = secrets == null
                ? new WebhookReceiver(config, store, clock)
                : new WebhookReceiver(config, store, clock, secrets);
        this.log = log;
        this.owned = owned;

        log.info(
                "receiver ready",
                "version",
                BuildInfo.version(),
                "acceptLegacy",
                config.acceptLegacy(),
                "secrets",
                config.secrets().size(),
                "secretsFrom",
                secrets == null ? "environment" : "Secret Manager",
                "maxBodyBytes",
                config.maxBodyBytes(),
                "rateLimitPerSecond",
                config.rateLimitPerSecond(),
                "rateLimitBurst",
                config.rateLimitBurst(),
                "unauthenticatedRateLimitPerSecond",
                config.unauthenticatedRateLimitPerSecond(),
                "unauthenticatedRateLimitBurst",
                config.unauthenticatedRateLimitBurst(),
                "statsShards",
                config.statsShards(),
                "firestoreProject",
                config.firestoreProject(),
                "firestoreDatabase",
                config.firestoreDatabase(),
                "emulator",
                config.emulatorHost().orElse(""));
    }

    @Override
    public void service(HttpRequest request, HttpResponse response) throws Exception {
        long start = System.nanoTime();
        Response answer;
        String traceparent = null;
        String traceId = null;
        try (InputStream body = request.getInputStream()) {
            long length = request.getContentLength();
            var in = new WebhookReceiver.Request(
                    request.getMethod(),
                    request.getPath(),
                    request.getHeaders(),
                    length >= 0 ? OptionalLong.of(length) : OptionalLong.empty(),
                    body);
            traceparent = in.traceparent();
            traceId = in.traceId().orElse(null);
            answer = receiver.handle(in);
        } catch (RuntimeException e) {
            answer = Response.error(500, "internal", "the receiver failed unexpectedly")
                    .withLogDetail(e.getClass().getName());
        }
        write(response, answer);
        // the request's lines carry its ids: the record's requestId and the trace the notifier sent
        JsonLog requestLog = log.with("requestId", answer.requestId(), "traceId", traceId);
        if (traceparent != null && traceId == null) {
            // tolerant: a bad trace header never costs a webhook, but whoever sent it should hear of it
            requestLog.warn("malformed traceparent header ignored", "length", traceparent.length());
        }
        logLine(requestLog, request, answer, (System.nanoTime() - start) / 1_000_000.0);
    }

    /** Closes the Firestore client this function created itself (the runtime never needs to). */
    @Override
    public void close() throws Exception {
        if (owned != null) {
            owned.close();
        }
    }

    private static void write(HttpResponse response, Response answer) throws Exception {
        response.setStatusCode(answer.status());
        response.setContentType("application/json");
        answer.headers().forEach(response::appendHeader);
        try (OutputStream out = response.getOutputStream()) {
            out.write(JSON.writeValueAsBytes(answer.body()));
        }
    }

    private static void logLine(JsonLog log, HttpRequest request, Response answer, double latencyMs) {
        List<Object> fields = new ArrayList<>(List.of(
                "method", String.valueOf(request.getMethod()),
                "path", String.valueOf(request.getPath()),
                "status", answer.status(),
                "latencyMs", Math.round(latencyMs * 100) / 100.0));
        if (answer.scheme() != null) {
            fields.addAll(List.of("scheme", answer.scheme().name().toLowerCase()));
        }
        if (answer.error() != null) {
            fields.addAll(List.of("error", answer.error()));
        }
        if (answer.logDetail() != null) {
            fields.addAll(List.of("detail", answer.logDetail()));
        }
        JsonLog.Severity severity = answer.status() >= 500
                ? JsonLog.Severity.ERROR
                : answer.status() >= 400 ? JsonLog.Severity.WARNING : JsonLog.Severity.INFO;
        log.log(severity, "webhook request", fields.toArray());
    }
}
