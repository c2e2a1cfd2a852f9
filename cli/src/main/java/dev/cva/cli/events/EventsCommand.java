package dev.cva.cli.events;

import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cva events}: put chatbot events on the local stack's queue. */
@Command(
        name = "events",
        description = "Send or simulate chatbot events on the local stack's queue "
                + "(start it with 'cva local up --detach').",
        subcommands = {EventsSendCommand.class, EventsSimulateCommand.class})
public final class EventsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final CvaContext ctx;

    EventsCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.err());
        return ExitCode.USAGE.code();
    }
}
