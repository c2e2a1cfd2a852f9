package dev.cva.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.cva.contracts.Contract;
import dev.cva.contracts.ContractValidator;
import dev.cva.contracts.Examples;
import dev.cva.contracts.SignatureVectors;
import dev.cva.contracts.logging.JsonLog;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.contracts.webhook.WebhookSigner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The notifier's signer against the shared known answers (Standard Webhooks' published example; legacy values
 * from openssl), as the headers it actually puts on the wire, and what it sends against the strict writer
 * contract. No AWS: a loopback HTTP server records the requests.
 */
class SignatureVectorsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpServer server;
    private final List<Map<String, String>> headers = new ArrayList<>();
    private final List<byte[]> bodies = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/webhook", exchange -> {
            Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> h.put(k, v.get(0)));
            synchronized (this) {
                headers.add(h);
                bodies.add(exchange.getRequestBody().readAllBytes());
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpWebhookClient client(String secret, Clock clock) {
        NotifierConfig config = NotifierConfig.fromEnv(Map.of(
                "WEBHOOK_URL",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook",
                "WEBHOOK_SECRET",
                secret,
                "WEBHOOK_DLQ_URL",
                "http://127.0.0.1:9/unused",
                "WEBHOOK_MAX_ATTEMPTS",
                "1"));
        return new HttpWebhookClient(HttpClient.newHttpClient(), new WebhookSigner(config.secret()), config, clock);
    }

    @Test
    void theStandardWebhooksPublishedExampleAndItsOpensslLegacyValueAreWhatGoesOnTheWire() {
        SignatureVectors.Standard v = SignatureVectors.standard("standard-webhooks-spec");
        SignatureVectors.Legacy legacy = SignatureVectors.legacy("spec-payload");
        assertThat(legacy.secret()).isEqualTo(v.secret());
        assertThat(legacy.payload()).isEqualTo(v.payload());
        Clock at = Clock.fixed(Instant.ofEpochSecond(v.timestamp()), ZoneOffset.UTC);

        Delivery d = client(v.secret(), at).deliver(v.id(), v.payload());

        assertThat(d).isInstanceOf(Delivery.Delivered.class);
        Map<String, String> h = headers.get(0);
        assertThat(h)
                .containsEntry("webhook-id", v.id())
                .containsEntry("webhook-timestamp", Long.toString(v.timestamp()))
                .containsEntry("webhook-signature", v.signature())
                .containsEntry("x-webhook-signature", legacy.signature());
        assertThat(bodies.get(0)).isEqualTo(v.payload());
    }

    @Test
    void everyLegacyVectorIsWhatGoesOnTheWire() {
        for (SignatureVectors.Legacy v : SignatureVectors.legacy()) {
            headers.clear();
            client(v.secret(), Clock.systemUTC()).deliver("msg_vector", v.payload());
            assertThat(headers.get(0)).as(v.name()).containsEntry("x-webhook-signature", v.signature());
        }
    }

    /** Writers are strict: what the notifier sends is the full record of webhook-body-writer, nothing less. */
    @Test
    void theNotifierSendsTheFullRecordAndDeadLettersALessThanFullOne() throws Exception {
        WebhookSecret secret = WebhookSecret.random();
        List<DeadLetters.DeadLetter> dead = new ArrayList<>();
        StreamNotifier notifier = new StreamNotifier(
                client(secret.reveal(), Clock.systemUTC()),
                dead::add,
                new ContractValidator(MAPPER),
                MAPPER,
                Clock.systemUTC(),
                new JsonLog("notifier", new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC()),
                Duration.ofSeconds(5));
        JsonNode full = MAPPER.readTree(Examples.get(Contract.ANALYTICS_RECORD_WRITER, Examples.Kind.VALID, "full")
                .bytes());
        JsonNode original = MAPPER.readTree(Examples.get(Contract.ANALYTICS_RECORD, Examples.Kind.VALID, "original")
                .bytes());

        StreamNotifier.Outcome outcome =
                notifier.process(List.of(insert("1", full), insert("2", original)), () -> Long.MAX_VALUE);

        assertThat(outcome.delivered()).isEqualTo(1);
        assertThat(outcome.deadLettered()).isEqualTo(1);
        assertThat(bodies).hasSize(1);
        ContractValidator validator = new ContractValidator();
        assertThat(validator.validate(Contract.WEBHOOK_BODY_WRITER, bodies.get(0)))
                .isEmpty();
        assertThat(MAPPER.readTree(bodies.get(0)).get("data")).isEqualTo(full);
        assertThat(dead)
                .singleElement()
                .satisfies(
                        l -> assertThat(l.reason()).startsWith("invalid record").contains("$.data"));
    }

    private static DynamodbStreamRecord insert(String sequence, JsonNode record) {
        Map<String, AttributeValue> image = new HashMap<>();
        record.fields().forEachRemaining(e -> image.put(e.getKey(), attribute(e.getValue())));
        DynamodbStreamRecord r = new DynamodbStreamRecord();
        r.setEventName("INSERT");
        r.setDynamodb(new StreamRecord().withNewImage(image).withSequenceNumber(sequence));
        return r;
    }

    private static AttributeValue attribute(JsonNode v) {
        if (v.isTextual()) {
            return new AttributeValue().withS(v.asText());
        }
        if (v.isNumber()) {
            return new AttributeValue().withN(v.asText());
        }
        if (v.isBoolean()) {
            return new AttributeValue().withBOOL(v.asBoolean());
        }
        Map<String, AttributeValue> m = new HashMap<>();
        v.fields().forEachRemaining(e -> m.put(e.getKey(), attribute(e.getValue())));
        return new AttributeValue().withM(m);
    }
}
