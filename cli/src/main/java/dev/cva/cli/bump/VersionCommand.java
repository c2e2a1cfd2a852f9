package dev.cva.cli.bump;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "version", description = "List each service's current version and unreleased changes. (Not implemented yet.)")
public final class VersionCommand extends NotYetImplemented {}
