package dev.cva.cli.webhook;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cva webhook}: sign, send, verify and load-test webhooks (design notes, section 3). */
@Command(
        name = "webhook",
        description = {
            "Sign, send, verify and load-test webhooks, in both signature schemes of the design notes.",
            "Secrets come from --secret-env/--secret-file or webhook.secret; they are never printed."
        },
        subcommands = {SendCommand.class, SignCommand.class, VerifyCommand.class, LoadCommand.class})
public final class WebhookCommand implements Callable<Integer> {
    private final CvaContext ctx;

    @Spec
    CommandSpec spec;

    WebhookCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.err());
        return ExitCode.USAGE.code();
    }
}
