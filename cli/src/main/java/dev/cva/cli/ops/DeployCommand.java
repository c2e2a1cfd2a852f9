package dev.cva.cli.ops;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "deploy", description = "Build and deploy a service to an environment. (Not implemented yet.)")
public final class DeployCommand extends NotYetImplemented {}
