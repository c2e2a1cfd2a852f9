package dev.cva.cli.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import java.util.UUID;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** {@code --data} or {@code --event}: what a request carries. */
public class BodyOptions {
    /** The --event names, for help and completion. */
    public static final class EventNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Payloads.eventNames().iterator();
        }
    }

    @Option(
            names = "--data",
            paramLabel = "@FILE|-",
            description = "The body, sent byte for byte: @FILE, @- or - for stdin, or the JSON itself.")
    String data;

    @Option(
            names = "--event",
            paramLabel = "NAME",
            completionCandidates = EventNames.class,
            description = "A contract example, refreshed with a new requestId and current timestamps " + "(default: "
                    + Payloads.DEFAULT_EVENT + "): ${COMPLETION-CANDIDATES}.")
    String event;

    /** A body per call: fresh from the example each time, or the same --data bytes. */
    Supplier<byte[]> bodies(CvaContext ctx) {
        if (data != null && event != null) {
            throw CvaException.usage("--data and --event are mutually exclusive", null);
        }
        if (data != null) {
            byte[] bytes = Payloads.read(data, ctx.cwd(), ctx.in());
            return () -> bytes;
        }
        JsonNode template = Payloads.template(event == null ? Payloads.DEFAULT_EVENT : event);
        return () -> Payloads.fresh(template, ctx.clock().instant(), UUID.randomUUID());
    }
}
