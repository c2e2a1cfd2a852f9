package dev.cva.cli.local;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cva local}: the whole system on this machine, without Docker or a cloud account. */
@Command(
        name = "local",
        description = {
            "Run the whole system on this machine: ElasticMQ, moto's server (DynamoDB and Streams), the Firestore "
                    + "emulator, the receiver under the Functions Framework, the Lambda handlers under a local Lambda "
                    + "runtime, and an SES stand-in.",
            "Start with 'cva local demo'."
        },
        subcommands = {
            LocalUpCommand.class,
            LocalDownCommand.class,
            LocalStatusCommand.class,
            LocalEnvCommand.class,
            LocalDemoCommand.class,
            LocalPartCommands.Stop.class,
            LocalPartCommands.Start.class
        })
public final class LocalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final CvaContext ctx;

    LocalCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.err());
        return ExitCode.USAGE.code();
    }
}
