package dev.cva.cli.bump;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "bump", description = "Release a service: bump its SemVer, changelog and git tag. (Not implemented yet.)")
public final class BumpCommand extends NotYetImplemented {}
