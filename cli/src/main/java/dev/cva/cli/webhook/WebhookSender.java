package dev.cva.cli.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.contracts.webhook.WebhookSecret;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Sends signed webhooks and runs the negative cases: the logic behind {@code cva webhook send}. */
public final class WebhookSender {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** One request and its answer, as {@code --json} prints it. {@code response} is the parsed JSON when it is JSON. */
    public record Sent(
            String url, String webhookId, int bodyBytes, int status, boolean ok, double latencyMs, Object response) {}

    /** One negative case: what a correct receiver answers, what this one answered, and whether they agree. */
    public record CaseResult(
            String mode,
            String description,
            List<String> expected,
            List<Integer> actual,
            boolean passed,
            List<Sent> requests) {}

    private final WebhookClient client;
    private final RequestFactory factory;

    public WebhookSender(WebhookClient client, RequestFactory factory) {
        this.client = client;
        this.factory = factory;
    }

    /** Signs {@code body} as is and posts it. */
    public Sent send(URI url, byte[] body) {
        return post(factory.sign(url, body));
    }

    /**
     * Runs {@code mode} with a body from {@code bodies} (a fresh one per case) and compares the answers with
     * {@link NegativeCase#expected}.
     */
    public CaseResult negative(NegativeCase mode, URI url, Supplier<byte[]> bodies, Duration skew, Duration tolerance) {
        byte[] body = bodies.get();
        Instant now = factory.clock().instant();
        List<SignedRequest> requests = switch (mode) {
            case TAMPER -> List.of(factory.sign(url, body).withBody(NegativeCase.tamper(body)));
            case WRONG_SECRET ->
                List.of(new RequestFactory(WebhookSecret.random(), factory.schemes(), factory.clock()).sign(url, body));
            case STALE -> List.of(factory.sign(url, body, RequestFactory.newMessageId(), now.minus(skew)));
            case FUTURE -> List.of(factory.sign(url, body, RequestFactory.newMessageId(), now.plus(skew)));
            case REPLAY -> {
                SignedRequest once = factory.sign(url, body);
                yield List.of(once, once);
            }
            case NO_SIGNATURE -> List.of(new SignedRequest(url, body, Map.of(), null));
        };
        List<NegativeCase.Expectation> expected = mode.expected(skew.compareTo(tolerance) > 0);
        List<Sent> sent = new ArrayList<>();
        boolean passed = true;
        for (int i = 0; i < requests.size(); i++) {
            Sent s = post(requests.get(i));
            sent.add(s);
            passed &= expected.get(i).matches(s.status());
        }
        return new CaseResult(
                mode.flag(),
                mode.description(),
                expected.stream().map(NegativeCase.Expectation::label).toList(),
                sent.stream().map(Sent::status).toList(),
                passed,
                sent);
    }

    private Sent post(SignedRequest request) {
        try {
            WebhookClient.Exchange x = client.send(request);
            return new Sent(
                    request.url().toString(),
                    request.webhookId(),
                    request.body().length,
                    x.status(),
                    x.ok(),
                    x.latencyMs(),
                    parse(x.body()));
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "could not reach the receiver at " + request.url() + ": "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                    "is it running? 'cva local up' starts the local stack; --url chooses another receiver",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
    }

    static Object parse(String body) {
        if (body == null || body.isBlank()) {
            return body;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return body;
        }
    }
}
