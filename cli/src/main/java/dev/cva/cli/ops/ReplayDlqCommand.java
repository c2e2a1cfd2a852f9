package dev.cva.cli.ops;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "replay-dlq", description = "Replay messages from a dead-letter queue. (Not implemented yet.)")
public final class ReplayDlqCommand extends NotYetImplemented {}
