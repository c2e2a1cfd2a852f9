package dev.cva.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos on the local stack (issue 17): a part goes down while traffic flows and comes back with
 * {@code cva local stop|start}; the system must heal by itself with nothing lost and nothing doubled.
 * Needs the packaged service jars, like {@link LocalStackE2ETest}.
 */
class OutageChaosE2ETest {
    @TempDir Path project;

    private CliHarness cva;
    private LocalState state;

    @BeforeEach
    void up() throws Exception {
        Path repo = CliHarness.repoRoot();
        assertThat(repo.resolve("services/notifier/target/notifier-lambda.jar")).as("run './mvnw verify' first").isRegularFile();
        CliHarness.localCheckout(project);
        // the local redrive every 2 s instead of the 10 s default, so the test sees the heal soon after recovery
        cva = new CliHarness(project).env("CVA_LOCAL_SES", "outbox").env("CVA_LOCAL_REDRIVE_SECONDS", "2");
        CliHarness.Result up = cva.run("local", "up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        state = LocalState.read(project).orElseThrow();
        assertThat(state.parts()).containsKey("redrive");
    }

    @AfterEach
    void down() {
        CliHarness.Result down = cva.run("local", "down");
        assertThat(down.exitCode()).as(down.toString()).isZero();
    }

    @Test
    @Timeout(200)
    void aFirestoreOutageLongerThanTheRetryBudgetHealsWithEveryRecordStoredExactlyOnce() throws Exception {
        int conversations = 300;
        CompletableFuture<CliHarness.Result> sim = CompletableFuture.supplyAsync(() -> cva.run("events", "simulate",
                "--conversations", Integer.toString(conversations), "--rate", "40", "--json"));
        Thread.sleep(3_000);
        CliHarness.Result stop = cva.run("local", "stop", "firestore", "--json");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(CvaContext.json().readTree(stop.out()).path("data").asText()).startsWith("exported to");
        assertThat(cva.run("local", "stop", "firestore").exitCode()).as("already stopped").isEqualTo(4);
        // the notifier's budget per record is 3 tries within about 2 s: the outage is several times longer
        Thread.sleep(12_000);
        CliHarness.Result start = cva.run("local", "start", "firestore");
        long recovered = System.nanoTime();
        assertThat(start.exitCode()).as(start.toString()).isZero();
        assertThat(start.out()).contains("firestore started", "imported");

        CliHarness.Result sent = sim.get();
        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertThat(CvaContext.json().readTree(sent.out()).path("eventsSent").asInt()).isEqualTo(2 * conversations);
        // traffic after the recovery, a little at a time as a site's visitors send it: the breaker closes on the first
        // probe that finds the receiver answering, which is due 5 s after its last failed probe; records that reach an
        // open breaker before then are dead-lettered and left to the redrive
        Path notifierLogFile = Path.of(state.resource("logs")).resolve("notifier.log");
        int after = 0;
        long trickleUntil = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        do {
            CliHarness.Result more = cva.run("events", "simulate", "--conversations", "2", "--seed", Integer.toString(after), "--json");
            assertThat(more.exitCode()).as(more.toString()).isZero();
            after += 2;
            Thread.sleep(1_000);
        } while (!Files.readString(notifierLogFile).contains("\"event\":\"breaker_closed\"") && System.nanoTime() < trickleUntil);
        int expected = conversations + after;

        try (LocalClients c = new LocalClients(state, LocalCredentials.read(project))) {
            boolean healed = waitFor(Duration.ofSeconds(60), () -> c.requestIds("analyticsTable").size() == expected
                    && c.firestore().count() == expected && c.messages("webhookDlqUrl") == 0);
            if (!healed) {
                System.out.printf("not healed: dynamodb %d, firestore %d, webhook DLQ %d%n", c.requestIds("analyticsTable").size(),
                        c.firestore().count(), c.messages("webhookDlqUrl"));
                List<String> redriveLog = Files.readAllLines(Path.of(state.resource("logs")).resolve("redrive.log"));
                System.out.println("redrive.log, last lines:\n" + String.join("\n",
                        redriveLog.subList(Math.max(0, redriveLog.size() - 15), redriveLog.size())));
            }
            double healSeconds = (System.nanoTime() - recovered) / 1e9;
            System.out.printf("heal: %.1f s from 'cva local start firestore' to every record in Firestore and an empty webhook DLQ%n",
                    healSeconds);
            assertThat(c.requestIds("analyticsTable")).hasSize(expected);
            assertThat(c.firestore().receivedAt().keySet()).as("exactly the DynamoDB records")
                    .isEqualTo(c.requestIds("analyticsTable"));
            assertThat(c.firestore().count()).isEqualTo(expected);
            assertThat(shardTotals(state)).as("the daily counters count each document once").isEqualTo(expected);
            assertThat(c.messages("webhookDlqUrl")).as("the webhook DLQ drained by the scheduled redrive").isZero();
            assertThat(healed).isTrue();
        }
        String notifierLog = Files.readString(notifierLogFile);
        assertThat(notifierLog).contains("\"event\":\"breaker_open\"").contains("\"event\":\"breaker_closed\"");
        assertThat(Files.readString(Path.of(state.resource("logs")).resolve("redrive.log"))).contains("\"event\":\"redrive\"");
    }

    @Test
    @Timeout(150)
    void anSqsOutageWhileSendingIsReportedAndEverythingCountedAsSentIsProcessed() throws Exception {
        int conversations = 300;
        CompletableFuture<CliHarness.Result> sim = CompletableFuture.supplyAsync(() -> cva.run("events", "simulate",
                "--conversations", Integer.toString(conversations), "--rate", "40", "--json"));
        Thread.sleep(2_000);
        CliHarness.Result stop = cva.run("local", "stop", "sqs", "--json");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        Thread.sleep(4_000);
        CliHarness.Result start = cva.run("local", "start", "sqs", "--json");
        assertThat(start.exitCode()).as(start.toString()).isZero();

        CliHarness.Result sent = sim.get();
        assertThat(sent.exitCode()).as("some events could not be sent: " + sent).isEqualTo(3);
        JsonNode s = CvaContext.json().readTree(sent.out());
        int counted = s.path("eventsSent").asInt();
        int notSent = s.path("notSent").asInt();
        System.out.printf("sqs outage: %d events sent, %d not accepted (reported)%n", counted, notSent);
        assertThat(notSent).isPositive();
        assertThat(counted + notSent).isEqualTo(2 * conversations);
        assertThat(sent.err()).contains("not sent");

        try (LocalClients c = new LocalClients(state, LocalCredentials.read(project))) {
            // what SQS accepted was kept across the restart and is processed: the queue drains, nothing fails
            boolean drained = waitFor(Duration.ofSeconds(60), () -> c.messages("queueUrl") == 0);
            assertThat(drained).as("the main queue drains").isTrue();
            assertThat(c.messages("dlqUrl")).as("no counted message failed").isZero();
            // every conversation with both events accepted became one record; at most one per counted pair
            long records = c.requestIds("analyticsTable").size();
            assertThat(records).isLessThanOrEqualTo(conversations).isGreaterThanOrEqualTo(counted / 2 - notSent);
        }
    }

    static boolean waitFor(Duration timeout, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (done.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException notYet) {
                // a stand-in still starting
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** The sum of {@code total} over every daily counter shard ({@code stats/{day}/shards/{n}}). */
    static long shardTotals(LocalState state) throws Exception {
        String url = state.url("firestore") + "/v1/projects/" + state.resource("gcpProject")
                + "/databases/(default)/documents:runQuery";
        String body = "{\"structuredQuery\":{\"from\":[{\"collectionId\":\"shards\",\"allDescendants\":true}]}}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer owner").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long total = 0;
        for (JsonNode row : CvaContext.json().readTree(r.body())) {
            JsonNode t = row.path("document").path("fields").path("total");
            total += t.has("integerValue") ? Long.parseLong(t.get("integerValue").asText()) : 0;
        }
        return total;
    }
}
