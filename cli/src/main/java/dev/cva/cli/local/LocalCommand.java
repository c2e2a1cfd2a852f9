package dev.cva.cli.local;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "local", description = "Run the whole system on this machine. (Not implemented yet.)")
public final class LocalCommand extends NotYetImplemented {}
