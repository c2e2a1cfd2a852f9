package dev.cva.cli.ops;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "rollback", description = "Roll a service back to its previous version. (Not implemented yet.)")
public final class RollbackCommand extends NotYetImplemented {}
