package dev.cva.cli.ops;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Show what is deployed where, and whether it is healthy. (Not implemented yet.)")
public final class StatusCommand extends NotYetImplemented {}
