package dev.cva.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifierConfigTest {
    static final String SECRET = "whsec_Y3YtYW5hbHl0aWNzLWxvY2FsLWRldmVsb3BtZW50LW9ubHk=";

    @Test
    void defaultsFollowTheIssueAndTheSecretNeverShows() {
        NotifierConfig c = NotifierConfig.fromEnv(Map.of(
                "WEBHOOK_URL",
                "http://127.0.0.1:8080/webhook",
                "WEBHOOK_SECRET",
                SECRET,
                "WEBHOOK_DLQ_URL",
                "http://localhost:9324/000000000000/cv-analytics-webhook-dlq"));
        assertThat(c.maxAttempts()).isEqualTo(3);
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(5000));
        assertThat(c.baseDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.toString()).doesNotContain(SECRET).doesNotContain(SECRET.substring(6));
    }

    @Test
    void aBadSecretIsRefusedWithoutEchoingIt() {
        String bad = "whsec_%%%not-base64-but-private%%%";
        assertThatThrownBy(() -> NotifierConfig.fromEnv(
                        Map.of("WEBHOOK_URL", "http://x/", "WEBHOOK_SECRET", bad, "WEBHOOK_DLQ_URL", "http://q")))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain("not-base64-but-private");
    }

    @Test
    void backoffGrowsExponentiallyWithJitterAndIsCapped() {
        for (int i = 0; i < 50; i++) {
            assertThat(HttpWebhookClient.backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 1)
                            .toMillis())
                    .isBetween(100L, 200L);
            assertThat(HttpWebhookClient.backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 2)
                            .toMillis())
                    .isBetween(200L, 400L);
            assertThat(HttpWebhookClient.backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 10)
                            .toMillis())
                    .isBetween(2500L, 5000L);
        }
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T07:00:00Z"), ZoneOffset.UTC);
        assertThat(HttpWebhookClient.retryAfter(response("7"), clock)).isEqualTo(Duration.ofSeconds(7));
        assertThat(HttpWebhookClient.retryAfter(response("Mon, 23 Nov 2026 07:00:30 GMT"), clock))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(HttpWebhookClient.retryAfter(response("soon"), clock)).isNull();
        assertThat(HttpWebhookClient.retryAfter(response(null), clock)).isNull();
    }

    static HttpResponse<Void> response(String retryAfter) {
        HttpHeaders headers = HttpHeaders.of(
                retryAfter == null ? Map.of() : Map.of("Retry-After", List.of(retryAfter)), (a, b) -> true);
        return new HttpResponse<>() {
            public int statusCode() {
                return 429;
            }

            public java.net.http.HttpRequest request() {
                return null;
            }

            public java.util.Optional<HttpResponse<Void>> previousResponse() {
                return java.util.Optional.empty();
            }

            public HttpHeaders headers() {
                return headers;
            }

            public Void body() {
                return null;
            }

            public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
                return java.util.Optional.empty();
            }

            public java.net.URI uri() {
                return java.net.URI.create("http://x/");
            }

            public java.net.http.HttpClient.Version version() {
                return java.net.http.HttpClient.Version.HTTP_1_1;
            }
        };
    }
}
