package dev.cva.cli.replay;

import dev.cva.cli.webhook.RequestFactory;
import dev.cva.cli.webhook.WebhookClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-sends stored webhooks to the receiver, signed again with the current secret in both schemes (as the notifier
 * signs) and a fresh webhook-id and timestamp. 2xx is delivered; 429, 5xx and I/O errors are transient failures;
 * any other 4xx is permanent (the receiver will never take it): the message stays in the DLQ either way.
 */
final class WebhookTarget implements Target {
    private final URI receiver;
    private final RequestFactory signer;
    private final WebhookClient http;

    WebhookTarget(URI receiver, RequestFactory signer, WebhookClient http) {
        this.receiver = receiver;
        this.signer = signer;
        this.http = http;
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
        try {
            WebhookClient.Exchange x = http.send(signer.sign(receiver, m.body().getBytes(StandardCharsets.UTF_8)));
            int s = x.status();
            if (s >= 200 && s < 300) {
                return Outcome.DELIVERED;
            }
            String detail = "receiver answered " + s + (x.body() == null || x.body().isBlank() ? "" : " " + abbreviate(x.body()));
            boolean permanent = s >= 400 && s < 500 && s != 429 && s != 408;
            return new Outcome(permanent ? Target.Kind.PERMANENT : Target.Kind.FAILED, detail);
        } catch (IOException e) {
            return new Outcome(Target.Kind.FAILED, "receiver unreachable: " + e.getClass().getSimpleName()
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
