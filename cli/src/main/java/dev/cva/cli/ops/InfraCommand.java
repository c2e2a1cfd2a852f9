package dev.cva.cli.ops;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "infra", description = "Plan and apply the Terraform for both clouds. (Not implemented yet.)")
public final class InfraCommand extends NotYetImplemented {}
