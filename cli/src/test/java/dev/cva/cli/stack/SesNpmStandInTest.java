package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.local.Child;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/**
 * The npm SES stand-in ({@code CVA_LOCAL_SES=npm}: aws-ses-v2-local under node, installed once into
 * {@code ~/.cva/cache}): the SES v2 client the reporter uses sends a mail through it, its {@code /store} holds the
 * mail as sent, a request SES refuses is refused, and closing it stops the server. Without node/npm, {@code npm}
 * is a usage error and {@code auto} falls back to the file outbox.
 */
class SesNpmStandInTest {
    @TempDir
    Path dir;

    @Test
    void theReportersSesClientSendsThroughAwsSesV2Local() throws Exception {
        String path = System.getenv().getOrDefault("PATH", "");
        dev.cva.testing.Tools.require(
                onPath(path, "node") && onPath(path, "npm"), "node and npm on PATH", "the npm SES stand-in's test");
        List<String> log = new ArrayList<>();
        int port;
        try (Ses ses = Ses.start(
                Map.of("CVA_LOCAL_SES", "npm", "PATH", path),
                Path.of(System.getProperty("user.home")),
                dir.resolve("outbox"),
                dir.resolve("logs"),
                log::add)) {
            assertThat(log).as("no fallback to the outbox").isEmpty();
            assertThat(ses.outbox()).isNull();
            assertThat(ses.pid()).isPositive();
            assertThat(ses.url()).isEqualTo("http://127.0.0.1:" + ses.port());
            assertThat(ses.describe()).isEqualTo("aws-ses-v2-local (mails: " + ses.url() + "/store)");
            port = ses.port();

            try (SesV2Client client = SesV2Client.builder()
                    .endpointOverride(URI.create(ses.url()))
                    .region(Region.EU_WEST_2)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build()) {
                // what SesMailer sends: simple content, subject, HTML and text in UTF-8
                String id = client.sendEmail(b -> b.fromEmailAddress("reports@cv-analytics.local")
                                .destination(d -> d.toAddresses("owner@cv-analytics.local"))
                                .content(c -> c.simple(m -> m.subject(s ->
                                                s.data("Weekly report — 7 Dec").charset("UTF-8"))
                                        .body(body -> body.html(h -> h.data("<p>12 queries</p>")
                                                        .charset("UTF-8"))
                                                .text(t -> t.data("12 queries").charset("UTF-8"))))))
                        .messageId();
                assertThat(id).isNotBlank();

                JsonNode store = store(ses.url());
                assertThat(store.path("emails")).hasSize(1);
                JsonNode mail = store.path("emails").get(0);
                assertThat(mail.path("messageId").asText()).isEqualTo(id);
                assertThat(mail.path("from").asText()).isEqualTo("reports@cv-analytics.local");
                assertThat(mail.path("destination").path("to").get(0).asText()).isEqualTo("owner@cv-analytics.local");
                assertThat(mail.path("subject").asText()).isEqualTo("Weekly report — 7 Dec");
                assertThat(mail.path("body").path("html").asText()).isEqualTo("<p>12 queries</p>");
                assertThat(mail.path("body").path("text").asText()).isEqualTo("12 queries");

                // SES refuses a mail without a sender; so does the stand-in, and the store is unchanged
                assertThatThrownBy(() ->
                                client.sendEmail(b -> b.destination(d -> d.toAddresses("owner@cv-analytics.local"))
                                        .content(c -> c.simple(m -> m.subject(s -> s.data("no sender"))
                                                .body(body -> body.text(t -> t.data("x")))))))
                        .isInstanceOfSatisfying(
                                SesV2Exception.class,
                                e -> assertThat(e.statusCode()).isEqualTo(400));
                assertThat(store(ses.url()).path("emails")).hasSize(1);
            }
        }
        assertThat(Child.listening(port))
                .as("the server stops with the stand-in")
                .isFalse();
    }

    @Test
    void npmWithoutNodeIsAUsageErrorAndAutoFallsBackToTheOutbox() {
        Map<String, String> noTools = Map.of("PATH", dir.resolve("empty-bin").toString());
        assertThatThrownBy(() -> Ses.start(
                        Map.of("CVA_LOCAL_SES", "npm", "PATH", noTools.get("PATH")),
                        dir,
                        dir.resolve("outbox"),
                        dir.resolve("logs"),
                        line -> {}))
                .isInstanceOfSatisfying(
                        CvaException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("CVA_LOCAL_SES=npm but node/npm are not on PATH");

        try (Ses ses = Ses.start(noTools, dir, dir.resolve("outbox"), dir.resolve("logs"), line -> {})) {
            assertThat(ses.pid()).isZero();
            assertThat(ses.outbox()).isEqualTo(dir.resolve("outbox"));
            assertThat(ses.describe()).startsWith("file outbox ");
        }
    }

    private static JsonNode store(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url + "/store")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return CvaContext.json().readTree(r.body());
    }

    private static boolean onPath(String path, String tool) {
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isBlank() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
