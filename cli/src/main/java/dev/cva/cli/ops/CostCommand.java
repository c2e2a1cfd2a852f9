package dev.cva.cli.ops;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "cost", description = "Report this month's cost against the budget. (Not implemented yet.)")
public final class CostCommand extends NotYetImplemented {}
