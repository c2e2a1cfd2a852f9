package dev.cva.local.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cva.local.LocalAws;
import dev.cva.local.LocalIam;
import dev.cva.local.LocalSqs;
import dev.cva.local.Moto;
import dev.cva.local.ServicePolicies;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The gate in front of ElasticMQ and an SES stand-in, behind the real SDK clients: each function may make the SQS and
 * SES calls its policy in infra/policies grants and nothing else; keys the stack did not issue are refused.
 */
class IamGateTest {
    static final String REGION = LocalAws.DEFAULT_REGION.id();
    static LocalSqs elasticMq;
    static LocalIam iam;
    static String webhookDlq;
    static String otherQueue;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        elasticMq = LocalSqs.start();
        iam = Moto.shared().enforceIam();
        try (SqsClient direct = elasticMq.client()) {
            webhookDlq =
                    direct.createQueue(b -> b.queueName("gate-webhook-dlq")).queueUrl();
            otherQueue = direct.createQueue(b -> b.queueName("gate-other")).queueUrl();
        }
    }

    @AfterAll
    static void stop() {
        elasticMq.close();
    }

    static Map<String, String> arns() {
        return Map.of(
                "analytics_stream_arn",
                "arn:aws:dynamodb:" + REGION + ":123456789012:table/t/stream/x",
                "analytics_table_arn",
                ServicePolicies.Arns.table(REGION, "t"),
                "webhook_dlq_arn",
                ServicePolicies.Arns.queue(REGION, "gate-webhook-dlq"),
                "webhook_secret_arn",
                ServicePolicies.Arns.secret(REGION, "s"),
                "stream_failure_dlq_arn",
                ServicePolicies.Arns.queue(REGION, "gate-stream-failures"),
                "query_events_table_arn",
                ServicePolicies.Arns.table(REGION, "q"),
                "ses_identity_arn",
                ServicePolicies.Arns.sesIdentity(REGION, "cv.example.dev"),
                "report_from",
                "reports@cv.example.dev");
    }

    static SqsClient sqs(IamGate gate, LocalIam.Keys keys) {
        return SqsClient.builder()
                .endpointOverride(URI.create(gate.url()))
                .region(LocalAws.DEFAULT_REGION)
                .credentialsProvider(keys.provider())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Test
    void theNotifierMaySendToTheWebhookDlqAndDoNothingElseThere() throws Exception {
        Path log = tmp.resolve("sqs-calls.jsonl");
        LocalIam.Keys notifier = iam.role(
                "cv-analytics-notifier-role", ServicePolicies.find(Path.of("")).render("notifier", arns()));
        try (IamGate gate = IamGate.start(elasticMq.endpoint(), IamGate.sqs(REGION), iam::principal, log);
                SqsClient client = sqs(gate, notifier)) {
            client.sendMessage(b -> b.queueUrl(webhookDlq).messageBody("{}"));
            // a batch is authorized as its single action, as IAM has no sqs:SendMessageBatch
            assertThat(client.sendMessageBatch(b -> b.queueUrl(webhookDlq)
                                    .entries(e -> e.id("1").messageBody("{}")))
                            .successful())
                    .hasSize(1);
            assertThatThrownBy(() -> client.receiveMessage(b -> b.queueUrl(webhookDlq)))
                    .isInstanceOfSatisfying(SqsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.getMessage())
                                .contains("cv-analytics-notifier-role", "sqs:ReceiveMessage", "gate-webhook-dlq");
                    });
            assertThatThrownBy(
                            () -> client.sendMessage(b -> b.queueUrl(otherQueue).messageBody("{}")))
                    .isInstanceOfSatisfying(
                            SqsException.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
        // the message the policy allowed is there; the refused calls changed nothing
        try (SqsClient direct = elasticMq.client()) {
            assertThat(direct.receiveMessage(b -> b.queueUrl(webhookDlq).maxNumberOfMessages(10))
                            .messages())
                    .hasSize(2);
            assertThat(direct.receiveMessage(b -> b.queueUrl(otherQueue)).messages())
                    .isEmpty();
        }
        assertThat(Files.readAllLines(log))
                .anySatisfy(l -> assertThat(l).contains("\"decision\":\"allowed\"", "sqs:SendMessage"))
                .anySatisfy(l -> assertThat(l).contains("\"decision\":\"denied\"", "sqs:ReceiveMessage"));
    }

    @Test
    void keysTheStackDidNotIssueAreRefusedAndTheAdministratorMayDoAnything() {
        try (IamGate gate = IamGate.start(elasticMq.endpoint(), IamGate.sqs(REGION), iam::principal, null)) {
            try (SqsClient stranger = SqsClient.builder()
                    .endpointOverride(URI.create(gate.url()))
                    .region(LocalAws.DEFAULT_REGION)
                    .credentialsProvider(
                            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIASTRANGER", "x")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build()) {
                assertThatThrownBy(stranger::listQueues)
                        .isInstanceOfSatisfying(
                                SqsException.class,
                                e -> assertThat(e.getMessage())
                                        .contains("security token included in the request is invalid"));
            }
            try (SqsClient admin = sqs(gate, iam.admin())) {
                assertThat(admin.listQueues().queueUrls()).anyMatch(u -> u.endsWith("/gate-other"));
                assertThat(admin.receiveMessage(b -> b.queueUrl(otherQueue)).messages())
                        .isEmpty();
            }
        }
    }

    @Test
    void theReporterMaySendOnlyFromItsOwnAddress() throws Exception {
        AtomicInteger delivered = new AtomicInteger();
        HttpServer ses = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ses.createContext("/", ex -> {
            delivered.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            byte[] ok = "{\"MessageId\":\"m-1\"}".getBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        ses.start();
        LocalIam.Keys reporter = iam.role(
                "cv-analytics-reporter-role", ServicePolicies.find(Path.of("")).render("reporter", arns()));
        try (IamGate gate = IamGate.start(
                        URI.create("http://127.0.0.1:" + ses.getAddress().getPort()),
                        IamGate.sesV2(REGION),
                        iam::principal,
                        null);
                SesV2Client client = SesV2Client.builder()
                        .endpointOverride(URI.create(gate.url()))
                        .region(LocalAws.DEFAULT_REGION)
                        .credentialsProvider(reporter.provider())
                        .httpClient(UrlConnectionHttpClient.create())
                        .build()) {
            client.sendEmail(b -> b.fromEmailAddress("CV Analytics <reports@cv.example.dev>")
                    .destination(d -> d.toAddresses("owner@cv.example.dev"))
                    .content(c -> c.simple(m -> m.subject(t -> t.data("s")).body(x -> x.text(t -> t.data("b"))))));
            assertThat(delivered).hasValue(1);
            assertThatThrownBy(() -> client.sendEmail(b -> b.fromEmailAddress("someone@cv.example.dev")
                            .destination(d -> d.toAddresses("owner@cv.example.dev"))
                            .content(c ->
                                    c.simple(m -> m.subject(t -> t.data("s")).body(x -> x.text(t -> t.data("b")))))))
                    .isInstanceOfSatisfying(
                            SesV2Exception.class,
                            e -> assertThat(e.statusCode()).isEqualTo(403));
            assertThat(delivered).hasValue(1);
        } finally {
            ses.stop(0);
        }
    }
}
