package dev.cva.cli.support;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** A registered command whose issue is still open: it says so plainly and exits 6. */
@Command
public abstract class NotYetImplemented implements Callable<Integer> {
    @Unmatched List<String> arguments;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new CvaException(ExitCode.NOT_IMPLEMENTED, "'" + spec.qualifiedName() + "' is not implemented yet",
                "'cva --help' lists the commands; this one is planned and registered so scripts can rely on its name");
    }
}
