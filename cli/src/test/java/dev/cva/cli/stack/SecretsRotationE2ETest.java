package dev.cva.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CliHarness;
import dev.cva.cli.CvaContext;
import dev.cva.cli.Threads;
import dev.cva.cli.events.Simulator;
import dev.cva.cli.secrets.HttpReceiverProbe;
import dev.cva.cli.secrets.ReceiverProbe;
import dev.cva.cli.stackclient.LocalClients;
import dev.cva.cli.stackclient.LocalCredentials;
import dev.cva.cli.stackclient.LocalState;
import dev.cva.contracts.webhook.WebhookSecret;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22's "zero failed deliveries" on a real local stack: {@code cva secrets rotate webhook} runs while
 * {@code cva events simulate} feeds the pipeline and {@code cva webhook load} sends webhooks straight to the receiver.
 * Every record reaches Firestore, the webhook DLQ ends empty, no correctly signed request is refused (no 401 in any
 * load run, none in the notifier's log), and a webhook signed with the retired secret gets 401. The load runs in
 * short bursts, each reading the secret anew, as a sender that re-reads its secret does.
 */
class SecretsRotationE2ETest {
    /** cva.yaml's development secret: what the stack starts with. */
    private static final String ORIGINAL = "whsec_Y3YtYW5hbHl0aWNzLWxvY2FsLWRldmVsb3BtZW50LW9ubHk=";

    private static final Duration SIGNAL_BOUND = Duration.ofMinutes(3);

    @TempDir
    Path project;

    private CliHarness cva;
    private LocalState state;
    private final AtomicInteger accepted = new AtomicInteger();

    @BeforeEach
    void up() throws Exception {
        Path repo = CliHarness.repoRoot();
        assertThat(repo.resolve("services/notifier/target/notifier-lambda.jar"))
                .as("run './mvnw verify' first")
                .isRegularFile();
        CliHarness.localCheckout(project);
        cva = new CliHarness(project).env("CVA_LOCAL_SES", "outbox").env("CVA_LOCAL_REDRIVE_SECONDS", "2");
        CliHarness.Result up = cva.run("local", "up", "--detach");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        state = LocalState.read(project).orElseThrow();
        assertThat(state.parts()).containsKey("secretmanager");
        Simulator.observer = (a, r) -> accepted.set(a);
    }

    @AfterEach
    void down() {
        Simulator.observer = (a, r) -> {};
        CliHarness.Result down = cva.run("local", "down");
        assertThat(down.exitCode()).as(down.toString()).isZero();
    }

    @Test
    @Timeout(900) // a hang guard only: the waits inside end on signals
    void rotatingWhileTrafficFlowsLosesNothingAndRefusesOnlyTheRetiredSecret() throws Exception {
        int conversations = 200;
        CompletableFuture<CliHarness.Result> sim = Threads.supplyAsync(() -> cva.run(
                "events", "simulate", "--conversations", Integer.toString(conversations), "--rate", "15", "--json"));
        AtomicBoolean rotating = new AtomicBoolean(true);
        AtomicLong loadRequests = new AtomicLong();
        List<String> loadProblems = new ArrayList<>();
        CompletableFuture<Void> load = Threads.runAsync(() -> {
            while (rotating.get()) {
                CliHarness.Result r = cva.run(
                        "webhook",
                        "load",
                        "--env",
                        "local",
                        "--rate",
                        "20",
                        "--duration",
                        "1s",
                        "--concurrency",
                        "4",
                        "--json");
                try {
                    JsonNode report = CvaContext.json().readTree(r.out());
                    loadRequests.addAndGet(report.path("completed").asLong());
                    if (report.path("statuses").has("401")) {
                        loadProblems.add(
                                "401 x " + report.path("statuses").path("401").asLong() + ": " + r.out());
                    }
                } catch (Exception e) {
                    loadProblems.add("unreadable load report: " + r);
                }
            }
        });
        assertThat(OutageChaosE2ETest.waitFor(SIGNAL_BOUND, () -> accepted.get() >= 60))
                .as("the simulator sent 60 events")
                .isTrue();

        long start = System.nanoTime();
        CliHarness.Result rotated = cva.run("secrets", "rotate", "webhook", "--overlap", "5s", "--json");
        double seconds = (System.nanoTime() - start) / 1e9;
        long requestsDuring = loadRequests.get();
        rotating.set(false);
        load.get();
        assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
        JsonNode r = CvaContext.json().readTree(rotated.out());
        assertThat(r.path("complete").asBoolean()).isTrue();
        String newFingerprint = r.path("newFingerprint").asText();
        assertThat(newFingerprint).isNotEqualTo(WebhookSecret.parse(ORIGINAL).fingerprint());
        System.out.printf(
                "rotation: %.1f s wall, %d load requests and %d simulated events meanwhile%n",
                seconds, requestsDuring, accepted.get());

        CliHarness.Result sent = sim.get();
        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertThat(loadProblems)
                .as("no correctly signed load request was refused")
                .isEmpty();
        assertThat(requestsDuring).as("load ran during the rotation").isPositive();

        try (LocalClients c = new LocalClients(state, LocalCredentials.read(project))) {
            boolean delivered = OutageChaosE2ETest.waitFor(
                    SIGNAL_BOUND,
                    () -> c.requestIds("analyticsTable").size() == conversations
                            && c.firestore().receivedAt().keySet().containsAll(c.requestIds("analyticsTable"))
                            && c.messages("webhookDlqUrl") == 0);
            assertThat(c.requestIds("analyticsTable")).hasSize(conversations);
            assertThat(c.firestore().receivedAt().keySet())
                    .as("every record reached Firestore")
                    .containsAll(c.requestIds("analyticsTable"));
            assertThat(c.messages("webhookDlqUrl"))
                    .as("the webhook DLQ is empty")
                    .isZero();
            assertThat(delivered).isTrue();
        }
        String notifierLog = Files.readString(Path.of(state.resource("logs")).resolve("notifier.log"));
        assertThat(notifierLog).as("the notifier switched").contains("webhook secret changed");
        // no webhook the notifier sent was refused: not for its signature, and not as a repeat (a stream record
        // delivered twice within one second is sent twice with the same webhook-id and timestamp; the receiver
        // answers the repeat "duplicate", or 429 while the first is being stored, never 401)
        List<String> refused = Files.readAllLines(
                        Path.of(state.resource("logs")).resolve("receiver.log"))
                .stream()
                .filter(l -> l.contains("\"status\":401") && l.contains("\"traceId\""))
                .toList();
        assertThat(refused).as("notifier webhooks the receiver answered 401").isEmpty();
        assertThat(notifierLog.lines().filter(l -> l.contains("\"lastStatus\":401")))
                .as("notifier sends answered 401")
                .isEmpty();

        // the retired secret is refused, the new one accepted (as the stack's Secrets Manager holds it)
        var probe = new HttpReceiverProbe(URI.create(state.url("receiver")), Clock.systemUTC());
        assertThat(probe.probe(WebhookSecret.parse(ORIGINAL))).isEqualTo(ReceiverProbe.Answer.REFUSED);
        CliHarness.Result status = cva.run("secrets", "status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(CvaContext.json()
                        .readTree(status.out())
                        .path("clouds")
                        .get(1)
                        .path("current")
                        .path("fingerprint")
                        .asText())
                .isEqualTo(newFingerprint);
        CliHarness.Result send = cva.run("webhook", "send", "--env", "local", "--json");
        assertThat(send.exitCode())
                .as("cva webhook signs with the stack's current secret: " + send)
                .isZero();
    }
}
