package dev.cva.cli.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.options.DurationConverter;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cva webhook load}: a fixed-rate load of unique signed webhooks, with coordinated-omission-aware latencies. */
@Command(
        name = "load",
        sortOptions = false,
        description = {
            "POST unique signed webhooks at a fixed rate; report the achieved rate, statuses and latencies.",
            "Latency counts from each request's due time, so a stalled receiver shows (no coordinated omission).",
            "Bounded: at most 100000 req/s, 10 min, 1024 in flight; a target off this machine needs --yes.",
            "Exits 0 when every answer is 2xx, 3 when some are not, 1 when none is."
        })
public final class LoadCommand implements Callable<Integer> {
    private final CvaContext ctx;

    @Option(names = "--rate", required = true, paramLabel = "R", description = "Requests per second.")
    double rate;

    @Option(
            names = "--duration",
            required = true,
            paramLabel = DurationConverter.LABEL,
            converter = DurationConverter.class,
            description = "How long to send, e.g. 10s or 1m.")
    Duration duration;

    @Option(
            names = "--concurrency",
            paramLabel = "C",
            defaultValue = "32",
            description = "Most requests in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--warmup",
            paramLabel = DurationConverter.LABEL,
            defaultValue = "0s",
            converter = DurationConverter.class,
            description =
                    "Send at the same rate for this long first and leave it out of the figures (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
            names = "--event",
            paramLabel = "NAME",
            defaultValue = Payloads.DEFAULT_EVENT,
            completionCandidates = BodyOptions.EventNames.class,
            description = "The contract example each unique payload is made from (default: ${DEFAULT-VALUE}).")
    String event;

    @Mixin
    TargetOptions receiver;

    LoadCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        LoadGenerator.Plan plan;
        try {
            plan = new LoadGenerator.Plan(rate, duration, concurrency, warmup);
        } catch (IllegalArgumentException e) {
            throw CvaException.usage(e.getMessage(), null);
        }
        RequestFactory factory = receiver.requestFactory(ctx);
        JsonNode template = Payloads.template(event);
        URI target = receiver.target(ctx);
        if (!ReceiverEndpoints.isLoopback(target) && !ctx.globals().yes()) {
            throw CvaException.usage(
                    "refusing to load " + target.getHost() + ", which is not this machine, without --yes",
                    "a load test can trip rate limits and cost money; pass --yes if you mean it");
        }
        LoadGenerator.Target<SignedRequest> requests = new UniqueWebhooks(factory, receiver.client(), template, target);
        boolean showProgress = ctx.progress();
        ctx.info("load: " + fmt(rate) + " req/s for " + fmt(duration.toMillis() / 1000.0) + " s (" + plan.total()
                + " requests" + (plan.warmupTotal() > 0 ? " after " + plan.warmupTotal() + " to warm up" : "")
                + ", at most " + concurrency + " in flight) to " + target);
        LoadReport report = new LoadGenerator(LoadGenerator.Ticker.system())
                .run(plan, requests, showProgress ? this::progress : null, Duration.ofSeconds(1));
        if (showProgress) {
            ctx.err().print("\r\u001b[K");
            ctx.err().flush();
        }
        render(report);
        return report.failed() == 0
                ? ExitCode.OK.code()
                : report.ok() == 0 ? ExitCode.FAILURE.code() : ExitCode.PARTIAL.code();
    }

    private void progress(long completed, long total, long failed, double elapsed) {
        ctx.err()
                .print("\r\u001b[K" + completed + "/" + total + " done, " + failed + " failed, "
                        + fmt(LoadGenerator.round(elapsed, 1)) + " s");
        ctx.err().flush();
    }

    private void render(LoadReport r) {
        if (ctx.globals().json()) {
            ctx.printJson(r);
            return;
        }
        PrintWriter out = ctx.out();
        out.println("target      " + fmt(r.targetRate()) + " req/s for " + fmt(r.durationSeconds()) + " s ("
                + r.scheduled() + " requests, concurrency " + r.concurrency() + ")");
        out.println("achieved    " + fmt(r.achievedRate()) + " req/s (" + r.completed() + " completed in "
                + fmt(r.elapsedSeconds()) + " s)");
        out.println("statuses    "
                + r.statuses().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" ")));
        out.println("latency     " + latency(r.latencyMs()) + "  (ms, from each request's due time)");
        out.println("service     " + latency(r.serviceTimeMs()) + "  (ms, from the actual send)");
        out.println("lag         max " + fmt(r.maxScheduleLagMs()) + " ms behind schedule");
        out.println("overhead    " + fmt(r.prepareCpuMicrosPerRequest()) + " us CPU ("
                + fmt(r.prepareMicrosPerRequest()) + " us wall) per request to build and sign");
        out.flush();
        if (r.firstError() != null) {
            ctx.warn("first transport error: " + r.firstError());
        }
    }

    private static String latency(LoadReport.Latency l) {
        return "p50 " + fmt(l.p50()) + "  p90 " + fmt(l.p90()) + "  p99 " + fmt(l.p99()) + "  max " + fmt(l.max());
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.valueOf(v);
    }
}
