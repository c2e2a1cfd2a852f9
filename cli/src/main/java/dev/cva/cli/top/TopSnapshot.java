package dev.cva.cli.top;

import java.util.List;

/**
 * One frame of {@code cva top}, and its {@code --json} shape (stable; documented in the README): per part the events
 * a second in, out and in error, the depth of each queue, the notifier's breaker and latency percentiles, over the last
 * {@code windowSeconds}. A figure the environment cannot give is null, never a guess; {@code notes} say why.
 */
public record TopSnapshot(
        String environment,
        String at,
        double windowSeconds,
        String source,
        List<Part> parts,
        List<Queue> queues,
        Breaker breaker,
        List<Latency> latency,
        List<String> notes) {

    /** {@code basis}: what in, out and errors count for this part in this environment. */
    public record Part(String name, Double inPerSecond, Double outPerSecond, Double errorsPerSecond, String basis) {}

    /** {@code name}: events, dlq, webhookDlq or streamFailureDlq; {@code queue}: its name in cva.yaml. */
    public record Queue(String name, String queue, Long visible, Long inFlight, Long oldestAgeSeconds) {}

    /** {@code state}: closed, open or unknown; {@code since}: when the notifier logged the change, if known. */
    public record Breaker(String state, String since, String detail) {}

    /** Milliseconds; {@code samples}: how many values (null when the source aggregates them itself). */
    public record Latency(String name, Double p50Ms, Double p95Ms, Double maxMs, Long samples, String basis) {}
}
