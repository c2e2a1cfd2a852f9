package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.options.DurationConverter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cva webhook verify}: does a captured request verify, and if not, exactly why. */
@Command(
        name = "verify",
        sortOptions = false,
        description = {
            "Check the signature of a captured request with the environment's current and previous secrets.",
            "Headers: 'Name: value' lines (curl -D, a browser's copy, cva webhook sign) or a JSON object.",
            "Exits 0 when it verifies (and says which scheme and secret), 5 with the exact reason when not."
        })
public final class VerifyCommand implements Callable<Integer> {
    private final CvaContext ctx;

    @Option(
            names = "--headers",
            required = true,
            paramLabel = "FILE",
            description = "The captured headers (- for stdin).")
    Path headers;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "@FILE|-",
            description = "The body exactly as received: @FILE or - for stdin.")
    String data;

    @Option(
            names = "--tolerance",
            paramLabel = "DURATION",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How old or early webhook-timestamp may be (default: ${DEFAULT-VALUE}, as the receiver).")
    Duration tolerance;

    @Option(
            names = "--refuse-legacy",
            description = "Refuse the legacy X-Webhook-Signature scheme (default: webhook.acceptLegacy).")
    boolean refuseLegacy;

    @Mixin
    SecretOptions secret;

    VerifyCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (headers.toString().equals("-") && (data.equals("-") || data.equals("@-"))) {
            throw CvaException.usage("--headers and --data cannot both come from stdin", null);
        }
        java.util.List<dev.cva.contracts.webhook.WebhookSecret> secrets = WebhookSecrets.accepted(ctx, secret);
        CapturedRequest request;
        try {
            String text = headers.toString().equals("-")
                    ? new String(ctx.in().readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(ctx.cwd().resolve(headers), StandardCharsets.UTF_8);
            request = CapturedRequest.parse(text);
        } catch (IOException e) {
            throw CvaException.usage("cannot read the headers file " + ctx.cwd().resolve(headers), null);
        } catch (IllegalArgumentException e) {
            throw CvaException.usage(e.getMessage(), "write one 'Name: value' per line, or a JSON object");
        }
        byte[] body = Payloads.read(data, ctx.cwd(), ctx.in());
        boolean acceptLegacy = !refuseLegacy && WebhookSecrets.acceptLegacy(ctx);
        SignatureCheck check = new SignatureCheck(secrets, acceptLegacy, ctx.clock(), tolerance);
        request.ignored().forEach(line -> ctx.debug("ignored line: " + line));
        SignatureCheck.Outcome outcome = check.check(request, body);
        if (ctx.globals().json()) {
            ctx.printJson(outcome);
        } else if (outcome.verified()) {
            ctx.out()
                    .println("verified: " + outcome.scheme() + " signature by the " + outcome.secret() + " secret ("
                            + outcome.secretFingerprint() + ")"
                            + (outcome.webhookId() == null
                                    ? ""
                                    : ", webhook-id " + outcome.webhookId() + ", timestamp "
                                            + Instant.ofEpochSecond(outcome.timestamp())));
        } else {
            ctx.out().println("not verified: " + outcome.reason() + ": " + outcome.detail());
            if (outcome.hint() != null) {
                ctx.info("hint: " + outcome.hint());
            }
        }
        ctx.out().flush();
        return outcome.verified() ? ExitCode.OK.code() : ExitCode.VERIFICATION_FAILED.code();
    }
}
