package dev.cva.cli.secrets;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cva secrets}: the system's one shared secret, the webhook HMAC key, in both clouds. */
@Command(
        name = "secrets",
        description = {
            "The webhook secret in both secret managers (GCP Secret Manager for the receiver, AWS Secrets "
                    + "Manager for the notifier): its state, and its rotation with no refused webhook.",
            "Values are never printed: fingerprints (sha256:1a2b3c4d) and version ids only."
        },
        subcommands = {SecretsRotateCommand.class, SecretsStatusCommand.class})
public final class SecretsCommand implements Callable<Integer> {
    private final CvaContext ctx;

    @Spec
    CommandSpec spec;

    SecretsCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.err());
        return ExitCode.USAGE.code();
    }
}
