package dev.cva.replay;

import dev.cva.contracts.tracing.TraceIds;
import dev.cva.contracts.webhook.Scheme;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

/**
 * Re-sends stored webhooks to the receiver, signed again with the current secret in both schemes (as the notifier
 * signs) and a fresh webhook-id and timestamp. 2xx is delivered; 408, 429, 5xx and I/O errors are transient
 * failures; any other 4xx is permanent (the receiver will never take it): the message stays in the DLQ either way.
 * A dead letter with a {@code traceId} attribute (the notifier keeps the record's W3C trace id there) is sent with a
 * {@code traceparent} header of that trace and a new span, so the replay joins the event's trace.
 */
public final class WebhookTarget implements Target {
    private final URI receiver;
    private final java.util.function.Supplier<WebhookSigner> signer;
    private final Clock clock;
    private final HttpClient http;
    private final Duration timeout;
    private final String userAgent;

    public WebhookTarget(URI receiver, WebhookSecret secret, Clock clock, Duration timeout, String userAgent) {
        this(receiver, fixed(secret), clock, timeout, userAgent);
    }

    /** {@code signer}: asked once per send (the notifier's redrive re-reads its secret from Secrets Manager). */
    public WebhookTarget(
            URI receiver,
            java.util.function.Supplier<WebhookSigner> signer,
            Clock clock,
            Duration timeout,
            String userAgent) {
        this.receiver = receiver;
        this.signer = signer;
        this.clock = clock;
        this.timeout = timeout;
        this.userAgent = userAgent;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private static java.util.function.Supplier<WebhookSigner> fixed(WebhookSecret secret) {
        WebhookSigner signer = new WebhookSigner(secret);
        return () -> signer;
    }

    /** A new {@code webhook-id}: {@code msg_} and 32 hex digits. */
    static String newMessageId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** True for an answer the receiver will never change its mind about: 4xx other than 408 and 429. */
    public static boolean permanent(int status) {
        return status >= 400 && status < 500 && status != 429 && status != 408;
    }

    @Override
    public List<Outcome> deliver(List<SqsPort.Message> batch) {
        List<Outcome> out = new ArrayList<>();
        for (SqsPort.Message m : batch) {
            out.add(deliver(m));
        }
        return out;
    }

    private Outcome deliver(SqsPort.Message m) {
        byte[] body = m.body().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(receiver)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        SqsPort.Attr trace = m.attributes().get(TraceIds.TRACE_ID);
        if (trace != null && TraceIds.isTraceId(trace.stringValue())) {
            b.header(TraceIds.TRACEPARENT, TraceIds.traceparent(trace.stringValue()));
        }
        signer.get()
                .sign(body, newMessageId(), clock.instant(), EnumSet.allOf(Scheme.class))
                .forEach(b::header);
        try {
            HttpResponse<String> x = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            int s = x.statusCode();
            if (s >= 200 && s < 300) {
                return Outcome.DELIVERED;
            }
            String detail = "receiver answered " + s
                    + (x.body() == null || x.body().isBlank() ? "" : " " + abbreviate(x.body()));
            return new Outcome(permanent(s) ? Target.Kind.PERMANENT : Target.Kind.FAILED, detail);
        } catch (IOException e) {
            return new Outcome(
                    Target.Kind.FAILED,
                    "receiver unreachable: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Target.Kind.FAILED, "interrupted");
        }
    }

    private static String abbreviate(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }

    @Override
    public String describe() {
        return "receiver " + receiver;
    }
}
