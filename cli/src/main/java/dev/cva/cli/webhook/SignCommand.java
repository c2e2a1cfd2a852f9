package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cva webhook sign}: the signature headers for given bytes, ready for curl. */
@Command(
        name = "sign",
        sortOptions = false,
        description = {
            "Print the signature headers for a body as curl -H lines (with --json: an object under \"headers\").",
            "The body is read byte for byte from --data @FILE or stdin: send exactly those bytes (curl --data-binary)."
        })
public final class SignCommand implements Callable<Integer> {
    private final CvaContext ctx;

    @Option(
            names = "--data",
            paramLabel = "@FILE|-",
            defaultValue = "-",
            description = "The body: @FILE, or - for stdin (default).")
    String data;

    @Option(names = "--id", paramLabel = "ID", description = "webhook-id (default: a new msg_… id).")
    String id;

    @Option(
            names = "--timestamp",
            paramLabel = "SECONDS",
            description = "webhook-timestamp in Unix seconds (default: now).")
    Long timestamp;

    @Option(
            names = "--scheme",
            paramLabel = "SCHEME",
            defaultValue = "both",
            description = "Signature headers: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    SchemeChoice scheme;

    @Mixin
    SecretOptions secret;

    SignCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    record Signed(Map<String, String> headers, String scheme, int bodyBytes, String secretFingerprint) {}

    @Override
    public Integer call() {
        var webhookSecret = WebhookSecrets.current(ctx, secret);
        byte[] body = Payloads.read(data, ctx.cwd(), ctx.in());
        RequestFactory factory = new RequestFactory(webhookSecret, scheme.schemes(), ctx.clock());
        SignedRequest signed = factory.sign(
                java.net.URI.create("http://unused/"),
                body,
                id == null ? RequestFactory.newMessageId() : id,
                timestamp == null ? ctx.clock().instant() : Instant.ofEpochSecond(timestamp));
        if (ctx.globals().json()) {
            ctx.printJson(new Signed(signed.headers(), scheme.label(), body.length, webhookSecret.fingerprint()));
        } else {
            signed.headers().forEach((name, value) -> ctx.out().println("-H " + shellQuote(name + ": " + value)));
            ctx.out().flush();
            ctx.info("signed " + body.length + " bytes (" + scheme.label() + ") with secret "
                    + webhookSecret.fingerprint());
        }
        return ExitCode.OK.code();
    }

    /** Single-quoted for POSIX shells. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
