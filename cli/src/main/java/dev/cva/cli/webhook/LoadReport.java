package dev.cva.cli.webhook;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a load run, as {@code cva webhook load --json} prints it.
 *
 * @param latencyMs      from each request's due time to its response (coordinated-omission aware)
 * @param serviceTimeMs  from the actual send to the response (what a naive client would report)
 * @param maxScheduleLagMs the most a request started after its due time (the client or receiver fell behind)
 * @param prepareMicrosPerRequest the generator's own wall time per request to build and sign a unique payload (it
 *                                includes waiting for a CPU on a busy machine)
 * @param prepareCpuMicrosPerRequest the same in CPU time of the worker thread: the generator's own cost
 */
public record LoadReport(
        double targetRate,
        double durationSeconds,
        int concurrency,
        long scheduled,
        long completed,
        double achievedRate,
        double elapsedSeconds,
        Map<String, Long> statuses,
        long ok,
        long failed,
        Latency latencyMs,
        Latency serviceTimeMs,
        double maxScheduleLagMs,
        double prepareMicrosPerRequest,
        double prepareCpuMicrosPerRequest,
        String firstError) {

    public record Latency(double p50, double p90, double p99, double max, double mean) {
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0);
            }
            return new Latency(
                    ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)),
                    ms(h.getMaxValue()),
                    LoadGenerator.round(h.getMean() / 1000.0, 2));
        }

        private static double ms(long micros) {
            return LoadGenerator.round(micros / 1000.0, 2);
        }
    }
}
