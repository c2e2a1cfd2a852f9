package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.options.DurationConverter;
import dev.cva.cli.support.Table;
import dev.cva.contracts.webhook.WebhookVerifier;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cva webhook send}: sign the exact bytes, post them, show the answer; or test a receiver with bad requests. */
@Command(
        name = "send",
        sortOptions = false,
        description = {
            "Sign a webhook body and POST it to the receiver; print the status, latency and response.",
            "URL: --url, else webhook.url or gcp.receiverUrl of the environment. A non-2xx answer exits 1.",
            "Negative modes send a wrong request on purpose and check the receiver refuses it (exit 0) or not (exit 5)."
        })
public final class SendCommand implements Callable<Integer> {
    private final CvaContext ctx;

    @Mixin
    BodyOptions body;

    @Mixin
    TargetOptions receiver;

    @Option(names = "--tamper", description = "Negative: change one byte of the body after signing (expect 401).")
    boolean tamper;

    @Option(names = "--wrong-secret", description = "Negative: sign with a random secret (expect 401).")
    boolean wrongSecret;

    @Option(
            names = "--stale",
            arity = "0..1",
            fallbackValue = "10m",
            paramLabel = "AGE",
            converter = DurationConverter.class,
            description =
                    "Negative: a webhook-timestamp AGE in the past (default 10m; expect 401 beyond the 5 min tolerance).")
    Duration stale;

    @Option(
            names = "--future",
            arity = "0..1",
            fallbackValue = "10m",
            paramLabel = "AHEAD",
            converter = DurationConverter.class,
            description =
                    "Negative: a webhook-timestamp AHEAD in the future (default 10m; expect 401 beyond the tolerance).")
    Duration future;

    @Option(
            names = "--replay",
            description = "Negative: send the exact same request twice (expect 2xx, then 2xx as a duplicate or 401).")
    boolean replay;

    @Option(names = "--no-signature", description = "Negative: no signature headers (expect 401).")
    boolean noSignature;

    SendCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    record NegativeReport(String url, boolean passed, List<WebhookSender.CaseResult> cases) {}

    @Override
    public Integer call() {
        RequestFactory factory = receiver.requestFactory(ctx);
        Supplier<byte[]> bodies = body.bodies(ctx);
        URI target = receiver.target(ctx);
        WebhookSender sender = new WebhookSender(receiver.client(), factory);
        List<NegativeCase> cases = negativeCases();
        if (cases.isEmpty()) {
            return render(sender.send(target, bodies.get()));
        }
        ctx.debug("sending " + cases.size() + " negative case(s) to " + target + " with the " + receiver.scheme.label()
                + " scheme");
        List<WebhookSender.CaseResult> results = new ArrayList<>();
        for (NegativeCase c : cases) {
            Duration skew = c == NegativeCase.STALE ? stale : c == NegativeCase.FUTURE ? future : Duration.ZERO;
            results.add(sender.negative(c, target, bodies, skew, WebhookVerifier.DEFAULT_TOLERANCE));
        }
        boolean passed = results.stream().allMatch(WebhookSender.CaseResult::passed);
        if (ctx.globals().json()) {
            ctx.printJson(new NegativeReport(target.toString(), passed, results));
        } else {
            Table t = new Table("MODE", "EXPECTED", "ACTUAL", "RESULT");
            results.forEach(r -> t.row(
                    r.mode(),
                    String.join(",", r.expected()),
                    String.join(",", r.actual().stream().map(String::valueOf).toList()),
                    r.passed() ? ctx.paint("32", "ok") : ctx.paint("31", "WRONG")));
            t.print(ctx.out());
            ctx.info(
                    passed
                            ? "the receiver answered every case as it should"
                            : "the receiver answered some cases wrongly (see RESULT)");
        }
        return passed ? ExitCode.OK.code() : ExitCode.VERIFICATION_FAILED.code();
    }

    private int render(WebhookSender.Sent sent) {
        if (ctx.globals().json()) {
            ctx.printJson(sent);
        } else {
            ctx.out().println(sent.status() + " " + sent.latencyMs() + " ms " + sent.url());
            ctx.out().println(sent.response() == null ? "" : sent.response().toString());
            ctx.out().flush();
            ctx.debug("scheme " + receiver.scheme.label() + ", webhook-id " + sent.webhookId() + ", " + sent.bodyBytes()
                    + " bytes");
        }
        return sent.ok() ? ExitCode.OK.code() : ExitCode.FAILURE.code();
    }

    private List<NegativeCase> negativeCases() {
        List<NegativeCase> cases = new ArrayList<>();
        if (tamper) cases.add(NegativeCase.TAMPER);
        if (wrongSecret) cases.add(NegativeCase.WRONG_SECRET);
        if (stale != null) cases.add(NegativeCase.STALE);
        if (future != null) cases.add(NegativeCase.FUTURE);
        if (replay) cases.add(NegativeCase.REPLAY);
        if (noSignature) cases.add(NegativeCase.NO_SIGNATURE);
        for (NegativeCase c : cases) {
            if (c.needsStandard() && !receiver.scheme.hasStandard()) {
                throw CvaException.usage(
                        "--" + c.flag() + " needs the standard scheme: legacy signatures carry no "
                                + "timestamp and are replayable by design",
                        "use --scheme standard or --scheme both");
            }
        }
        return cases;
    }
}
