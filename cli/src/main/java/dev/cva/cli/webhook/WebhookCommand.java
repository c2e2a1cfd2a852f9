package dev.cva.cli.webhook;

import dev.cva.cli.support.NotYetImplemented;
import picocli.CommandLine.Command;

@Command(name = "webhook", description = "Sign, send, verify and load-test webhooks. (Not implemented yet.)")
public final class WebhookCommand extends NotYetImplemented {}
