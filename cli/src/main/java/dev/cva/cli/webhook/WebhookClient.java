package dev.cva.cli.webhook;

import dev.cva.cli.Cva;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Posts {@link SignedRequest}s with java.net.http over HTTP/1.1 keep-alive connections. Thread-safe. */
public final class WebhookClient {
    /** What the receiver answered; {@code latencyNanos} from just before the send to the full response. */
    public record Exchange(int status, long latencyNanos, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public double latencyMs() {
            return Math.round(latencyNanos / 10_000.0) / 100.0;
        }
    }

    private static final String USER_AGENT = "cva/" + Cva.BuildVersion.version();

    private final HttpClient http;
    private final Duration timeout;

    public WebhookClient(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public Exchange send(SignedRequest request) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(build(request), HttpResponse.BodyHandlers.ofString());
        return new Exchange(response.statusCode(), System.nanoTime() - start, response.body());
    }

    /** Sends and returns only the status; the response body is read and dropped (for load). */
    public int sendForStatus(SignedRequest request) throws IOException, InterruptedException {
        return http.send(build(request), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpRequest build(SignedRequest request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.url())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach(b::header);
        return b.build();
    }
}
