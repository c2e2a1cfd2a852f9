package dev.cva.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The Lambda Runtime API as the runtime interface client sees it, and the stream event's DynamoDB JSON. */
class RuntimeApiTest {
    @Test
    void streamImagesUseDynamoDbJson() {
        JsonNode n = StreamMapping.item(Map.of(
                "s",
                AttributeValue.fromS("x"),
                "n",
                AttributeValue.fromN("42"),
                "b",
                AttributeValue.fromBool(true),
                "m",
                AttributeValue.fromM(Map.of("k", AttributeValue.fromS("v"))),
                "l",
                AttributeValue.fromL(List.of(AttributeValue.fromN("1"))),
                "bin",
                AttributeValue.fromB(SdkBytes.fromUtf8String("hi")),
                "nul",
                AttributeValue.fromNul(true)));
        assertThat(n.toString())
                .contains(
                        "\"s\":{\"S\":\"x\"}",
                        "\"n\":{\"N\":\"42\"}",
                        "\"b\":{\"BOOL\":true}",
                        "\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}}",
                        "\"l\":{\"L\":[{\"N\":\"1\"}]}",
                        "\"bin\":{\"B\":\"aGk=\"}",
                        "\"nul\":{\"NULL\":true}");
    }

    @Test
    void runtimeApiServesNextWithTraceIdAndCompletesOnResponse() throws Exception {
        try (RuntimeApi api = new RuntimeApi("arn:aws:lambda:eu-west-2:000000000000:function:f", 30_000)) {
            var result = api.invoke("{\"hello\":1}");
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://" + api.address() + RuntimeApi.BASE;
            HttpResponse<String> next = http.send(
                    HttpRequest.newBuilder(URI.create(base + "invocation/next")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(next.body()).isEqualTo("{\"hello\":1}");
            assertThat(next.headers().firstValue("Lambda-Runtime-Trace-Id"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Root=1-"));
            assertThat(next.headers().firstValue("Lambda-Runtime-Deadline-Ms")).isPresent();
            assertThat(next.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn"))
                    .hasValue("arn:aws:lambda:eu-west-2:000000000000:function:f");
            String id =
                    next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
            HttpResponse<String> posted = http.send(
                    HttpRequest.newBuilder(URI.create(base + "invocation/" + id + "/response"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"ok\":true}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(202);
            assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(new Invoker.Result(false, "{\"ok\":true}"));
            assertThat(api.ready()).isTrue();

            var failing = api.invoke("{}");
            next = http.send(
                    HttpRequest.newBuilder(URI.create(base + "invocation/next")).build(),
                    HttpResponse.BodyHandlers.ofString());
            id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "invocation/" + id + "/error"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"errorMessage\":\"boom\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(failing.get(5, TimeUnit.SECONDS).error()).isTrue();
            // both answered invocations count, each billed at least 1 ms
            assertThat(api.completed()).isEqualTo(2);
            assertThat(api.billedMillis()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void billedDurationRoundsUpToTheMillisecond() {
        assertThat(RuntimeApi.billedMillis(1)).isEqualTo(1);
        assertThat(RuntimeApi.billedMillis(1_000_000)).isEqualTo(1);
        assertThat(RuntimeApi.billedMillis(1_000_001)).isEqualTo(2);
        assertThat(RuntimeApi.billedMillis(49_200_000)).isEqualTo(50);
    }

    @Test
    void aNextLeftOverFromADeadInstanceTakesNoInvocation() throws Exception {
        try (RuntimeApi api = new RuntimeApi("arn:aws:lambda:eu-west-2:000000000000:function:f", 30_000)) {
            HttpClient http = HttpClient.newHttpClient();
            URI next = URI.create("http://" + api.address() + RuntimeApi.BASE + "invocation/next");
            var stale = http.sendAsync(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + 60_000_000_000L; // a hang guard; ready comes at once
            while (!api.ready() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            api.resetReady();
            var result = api.invoke("{\"n\":2}");
            assertThat(stale.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(500);
            HttpResponse<String> fresh =
                    http.send(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(fresh.body()).isEqualTo("{\"n\":2}");
            assertThat(result).isNotDone();
        }
    }
}
