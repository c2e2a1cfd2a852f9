package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.Threads;
import dev.cva.cli.events.Simulator;
import dev.cva.cli.stackclient.LocalClients;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
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
public class OutageChaosE2ETest {
    @TempDir
    Path project;

    private CliHarness cva;
    private LocalState state;

    @BeforeEach
    void up() throws Exception {
        Path repo = CliHarness.repoRoot();
        assertThat(repo.resolve("services/notifier/target/notifier-lambda.jar"))
                .as("run './mvnw verify' first")
                .isRegularFile();
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

    /** What the simulator reported so far (set by {@link Simulator#observer}). */
    private final AtomicInteger accepted = new AtomicInteger();

    private final AtomicInteger refused = new AtomicInteger();

    @BeforeEach
    void observeTheSimulator() {
        Simulator.observer = (a, r) -> {
            accepted.set(a);
            refused.set(r);
        };
    }

    @AfterEach
    void stopObserving() {
        Simulator.observer = (a, r) -> {};
    }

    /** Waits for a signal; the bound only keeps a broken stack from hanging the build (the test then fails). */
    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        assertThat(waitFor(SIGNAL_BOUND, done))
                .as("waited %s for: %s", SIGNAL_BOUND, what)
                .isTrue();
    }

    /** A hang guard for a signal that comes within seconds when all is well. */
    public static final Duration SIGNAL_BOUND = Duration.ofMinutes(3);

    @Test
    @Timeout(900) // a hang guard only: the waits inside end on signals
    void aFirestoreOutageLongerThanTheRetryBudgetHealsWithEveryRecordStoredExactlyOnce() throws Exception {
        int conversations = 300;
        CompletableFuture<CliHarness.Result> sim = Threads.supplyAsync(() -> cva.run(
                "events", "simulate", "--conversations", Integer.toString(conversations), "--rate", "40", "--json"));
        await("the simulator reports 100 events sent", () -> accepted.get() >= 100);
        CliHarness.Result stop = cva.run("local", "stop", "firestore", "--json");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(CvaContext.json().readTree(stop.out()).path("data").asText()).startsWith("exported to");
        assertThat(cva.run("local", "stop", "firestore").exitCode())
                .as("already stopped")
                .isEqualTo(4);
        // the outage outlasts the notifier's budget per record (3 tries within about 2 s): it lasts until the notifier
        // has opened its breaker and dead-lettered records, which the redrive must bring back after the recovery
        Path notifierLogFile = Path.of(state.resource("logs")).resolve("notifier.log");
        try (LocalClients c = new LocalClients(state, LocalCredentials.read(project))) {
            await("the notifier's breaker opens and records reach the webhook DLQ", () -> {
                try {
                    return Files.readString(notifierLogFile).contains("\"event\":\"breaker_open\"")
                            && c.messages("webhookDlqUrl") > 0;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
        CliHarness.Result start = cva.run("local", "start", "firestore");
        long recovered = System.nanoTime();
        assertThat(start.exitCode()).as(start.toString()).isZero();
        assertThat(start.out()).contains("firestore started", "imported");

        CliHarness.Result sent = sim.get();
        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertThat(CvaContext.json().readTree(sent.out()).path("eventsSent").asInt())
                .isEqualTo(2 * conversations);
        // traffic after the recovery, a little at a time as a site's visitors send it: the breaker closes on the first
        // probe that finds the receiver answering, which is due 5 s after its last failed probe; records that reach an
        // open breaker before then are dead-lettered and left to the redrive
        int after = 0;
        // a bound only: the breaker closes on the first probe after the recovery, due within seconds
        long trickleUntil = System.nanoTime() + SIGNAL_BOUND.toNanos();
        do {
            CliHarness.Result more =
                    cva.run("events", "simulate", "--conversations", "2", "--seed", Integer.toString(after), "--json");
            assertThat(more.exitCode()).as(more.toString()).isZero();
            after += 2;
            Thread.sleep(1_000);
        } while (!Files.readString(notifierLogFile).contains("\"event\":\"breaker_closed\"")
                && System.nanoTime() < trickleUntil);
        int expected = conversations + after;

        try (LocalClients c = new LocalClients(state, LocalCredentials.read(project))) {
            boolean healed = waitFor(
                    SIGNAL_BOUND,
                    () -> c.requestIds("analyticsTable").size() == expected
                            && c.firestore().count() == expected
                            && c.messages("webhookDlqUrl") == 0);
            if (!healed) {
                System.out.printf(
                        "not healed: dynamodb %d, firestore %d, webhook DLQ %d%n",
                        c.requestIds("analyticsTable").size(), c.firestore().count(), c.messages("webhookDlqUrl"));
                List<String> redriveLog =
                        Files.readAllLines(Path.of(state.resource("logs")).resolve("redrive.log"));
                System.out.println("redrive.log, last lines:\n"
                        + String.join(
                                "\n", redriveLog.subList(Math.max(0, redriveLog.size() - 15), redriveLog.size())));
            }
            double healSeconds = (System.nanoTime() - recovered) / 1e9;
            System.out.printf(
                    "heal: %.1f s from 'cva local start firestore' to every record in Firestore and an empty webhook DLQ%n",
                    healSeconds);
            assertThat(c.requestIds("analyticsTable")).hasSize(expected);
            assertThat(c.firestore().receivedAt().keySet())
                    .as("exactly the DynamoDB records")
                    .isEqualTo(c.requestIds("analyticsTable"));
            assertThat(c.firestore().count()).isEqualTo(expected);
            assertThat(shardTotals(state))
                    .as("the daily counters count each document once")
                    .isEqualTo(expected);
            assertThat(c.messages("webhookDlqUrl"))
                    .as("the webhook DLQ drained by the scheduled redrive")
                    .isZero();
            assertThat(healed).isTrue();
        }
        String notifierLog = Files.readString(notifierLogFile);
        assertThat(notifierLog).contains("\"event\":\"breaker_open\"").contains("\"event\":\"breaker_closed\"");
        assertThat(Files.readString(Path.of(state.resource("logs")).resolve("redrive.log")))
                .contains("\"event\":\"redrive\"");
    }

    @Test
    @Timeout(600) // a hang guard only: the waits inside end on signals
    void anSqsOutageWhileSendingIsReportedAndEverythingCountedAsSentIsProcessed() throws Exception {
        int conversations = 300;
        CompletableFuture<CliHarness.Result> sim = Threads.supplyAsync(() -> cva.run(
                "events", "simulate", "--conversations", Integer.toString(conversations), "--rate", "40", "--json"));
        await("the simulator reports 80 events sent", () -> accepted.get() >= 80);
        CliHarness.Result stop = cva.run("local", "stop", "sqs", "--json");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        // SQS stays down until the simulator has had a batch refused (one batch is 10 events)
        await("the simulator reports events SQS refused", () -> refused.get() >= 10 || sim.isDone());
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
            boolean drained = waitFor(SIGNAL_BOUND, () -> c.messages("queueUrl") == 0);
            assertThat(drained).as("the main queue drains").isTrue();
            assertThat(c.messages("dlqUrl")).as("no counted message failed").isZero();
            // every conversation with both events accepted became one record; at most one per counted pair
            long records = c.requestIds("analyticsTable").size();
            assertThat(records).isLessThanOrEqualTo(conversations).isGreaterThanOrEqualTo(counted / 2 - notSent);
        }
    }

    public static boolean waitFor(Duration timeout, BooleanSupplier done) throws InterruptedException {
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
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer owner")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long total = 0;
        for (JsonNode row : CvaContext.json().readTree(r.body())) {
            JsonNode t = row.path("document").path("fields").path("total");
            total +=
                    t.has("integerValue") ? Long.parseLong(t.get("integerValue").asText()) : 0;
        }
        return total;
    }
}
