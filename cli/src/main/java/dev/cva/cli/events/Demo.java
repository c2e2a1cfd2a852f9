package dev.cva.cli.events;

import dev.cva.cli.stackclient.LocalClients;
import dev.cva.local.Child;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * The README's first command: simulate traffic through a running local stack, wait until every valid record has
 * reached Firestore, run the weekly report, and sum up what happened.
 */
public final class Demo {
    public record Latency(long p50Ms, long p95Ms, long maxMs) {}

    /** The summary {@code cva local demo --json} prints. {@code ok}: no valid record was lost. */
    public record Summary(
            boolean ok,
            int conversations,
            int earlyResponses,
            int duplicates,
            int poison,
            int eventsSent,
            int validRecordsExpected,
            long dynamoRecords,
            long firestoreRecords,
            long dlqMessages,
            long webhookDlqMessages,
            String reportWeek,
            String reportStatus,
            String report,
            Latency latency,
            double sendSeconds,
            double endToEndSeconds,
            double eventsPerSecond,
            List<String> problems) {}

    private final LocalClients clients;
    private final Clock clock;
    private final Function<Instant, String> reportWeek;
    private final Consumer<String> info;
    private final Consumer<String> debug;

    /**
     * @param reportWeek the week the weekly report covers at an instant (the schedule's ISO week, handed in by the
     *     command so that the demo needs nothing of the supervisor)
     */
    public Demo(
            LocalClients clients,
            Clock clock,
            Function<Instant, String> reportWeek,
            Consumer<String> info,
            Consumer<String> debug) {
        this.clients = clients;
        this.clock = clock;
        this.reportWeek = reportWeek;
        this.info = info;
        this.debug = debug;
    }

    public Summary run(Simulator.Plan plan, Duration timeout, IntConsumer sendProgress) {
        long dlqBefore = clients.messages("dlqUrl");
        long documentsBefore = clients.firestore().count();
        long webhookDlqBefore = clients.messages("webhookDlqUrl");
        boolean hasStreamFailures = clients.state().resource("streamFailureDlqUrl") != null;
        long streamFailuresBefore = hasStreamFailures ? clients.messages("streamFailureDlqUrl") : 0;
        Simulator.Result sent = new Simulator(EventSender.of(clients)).run(plan, sendProgress);
        info.accept("sent " + sent.eventsSent() + " events; waiting for "
                + sent.completedAt().size() + " records in Firestore and " + plan.poison()
                + " poison messages in the DLQ");
        Set<String> expected = sent.completedAt().keySet();
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> received;
        long dlq;
        while (true) {
            // a count per poll; the documents themselves are listed once, at the end
            long arrived = clients.firestore().count() - documentsBefore;
            dlq = clients.messages("dlqUrl") - dlqBefore;
            if ((arrived >= expected.size() && dlq >= plan.poison()) || System.nanoTime() > deadline) {
                break;
            }
            Child.sleep(100);
        }
        received = clients.firestore().receivedAt();
        received.keySet().retainAll(expected);
        long lastReceived =
                received.values().stream().mapToLong(Long::longValue).max().orElse(sent.finishedAt());
        Set<String> inDynamo = clients.requestIds("analyticsTable");
        inDynamo.retainAll(expected);
        long webhookDlq = clients.messages("webhookDlqUrl") - webhookDlqBefore;
        List<String> problems = new ArrayList<>();
        if (!sent.failed().isEmpty()) {
            problems.add(sent.failed().size() + " events were not accepted by SQS (first: "
                    + sent.failed().get(0) + ")");
        }
        if (received.size() < expected.size()) {
            problems.add((expected.size() - received.size()) + " valid records did not reach Firestore within "
                    + timeout.toSeconds() + " s");
        }
        if (inDynamo.size() < expected.size()) {
            problems.add((expected.size() - inDynamo.size()) + " valid records are missing from DynamoDB");
        }
        if (dlq != plan.poison()) {
            problems.add("expected " + plan.poison() + " poison messages in the DLQ, found " + dlq);
        }
        if (webhookDlq != 0) {
            problems.add(webhookDlq + " webhooks went to the webhook DLQ");
        }
        long skippedBatches = hasStreamFailures ? clients.messages("streamFailureDlqUrl") - streamFailuresBefore : 0;
        if (skippedBatches != 0) {
            problems.add(skippedBatches
                    + " stream batches were skipped by the notifier's mapping (cva replay-dlq -q stream-failures)");
        }
        String week = reportWeek.apply(clock.instant());
        String report = null;
        String reportStatus = null;
        try {
            var answer =
                    dev.cva.cli.CvaContext.json().readTree(clients.invoke("reporter", "{\"week\":\"" + week + "\"}"));
            reportStatus = answer.path("status").asText(null);
            report = reportLocation(answer.path("messageId").asText(""));
        } catch (RuntimeException | java.io.IOException e) {
            problems.add("the weekly report failed: " + e.getMessage());
        }
        List<Long> latencies = received.entrySet().stream()
                .map(e -> e.getValue() - sent.completedAt().get(e.getKey()))
                .sorted()
                .toList();
        debugDeciles(sent, received);
        double sendSeconds = (sent.finishedAt() - sent.startedAt()) / 1000.0;
        double e2e = Math.max(0.001, (lastReceived - sent.startedAt()) / 1000.0);
        boolean ok = received.size() == expected.size() && inDynamo.size() == expected.size();
        return new Summary(
                ok,
                plan.conversations(),
                plan.early(),
                plan.duplicates(),
                plan.poison(),
                sent.eventsSent(),
                expected.size(),
                inDynamo.size(),
                received.size(),
                dlq,
                webhookDlq,
                week,
                reportStatus,
                report,
                new Latency(
                        percentile(latencies, 50),
                        percentile(latencies, 95),
                        latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1)),
                sendSeconds,
                e2e,
                Math.round(sent.eventsSent() / e2e * 10) / 10.0,
                problems);
    }

    /** The outbox file of mail {@code messageId} (else the newest), or the SES stand-in's {@code /store}. */
    private String reportLocation(String messageId) {
        String outbox = clients.state().resource("outbox");
        if (outbox != null) {
            try (Stream<Path> files = Files.list(Path.of(outbox))) {
                List<Path> all = files.filter(f -> !f.toString().endsWith(".json"))
                        .sorted()
                        .toList();
                return all.stream()
                        .filter(f -> !messageId.isEmpty()
                                && f.getFileName().toString().contains(messageId))
                        .findFirst()
                        .or(() -> all.isEmpty()
                                ? java.util.Optional.empty()
                                : java.util.Optional.of(all.get(all.size() - 1)))
                        .map(Path::toString)
                        .orElse(outbox);
            } catch (java.io.IOException e) {
                return outbox;
            }
        }
        String store = clients.state().url("ses") + "/store";
        try {
            Path reports = Path.of(clients.state().resource("logs")).resolveSibling("reports");
            Files.createDirectories(reports);
            Path file = reports.resolve("ses-store-" + clock.millis() + ".json");
            Files.writeString(file, clients.get(store));
            return file.toString();
        } catch (java.io.IOException | RuntimeException e) {
            return store;
        }
    }

    /** With --verbose: median latency per tenth of the run in send order, to tell a backlog from a slow start. */
    private void debugDeciles(Simulator.Result sent, Map<String, Long> received) {
        List<Map.Entry<String, Long>> order = sent.completedAt().entrySet().stream()
                .filter(e -> received.containsKey(e.getKey()))
                .sorted(Map.Entry.comparingByValue())
                .toList();
        StringBuilder sb = new StringBuilder("latency p50 by tenth of the run (ms):");
        for (int d = 0; d < 10 && !order.isEmpty(); d++) {
            List<Long> part = order
                    .subList(d * order.size() / 10, Math.max(d * order.size() / 10 + 1, (d + 1) * order.size() / 10))
                    .stream()
                    .map(e -> received.get(e.getKey()) - e.getValue())
                    .sorted()
                    .toList();
            sb.append(' ').append(percentile(part, 50));
        }
        debug.accept(sb.toString());
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
