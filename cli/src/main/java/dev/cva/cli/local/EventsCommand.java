package dev.cva.cli.local;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "events", description = "Send or simulate chatbot events. (Not implemented yet.)")
public final class EventsCommand extends NotYetImplemented {}
