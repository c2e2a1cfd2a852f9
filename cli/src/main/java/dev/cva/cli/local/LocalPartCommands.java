package dev.cva.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stack.PartSwitch;
import dev.cva.cli.stackclient.ControlClient;
import dev.cva.cli.stackclient.LocalState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cva local stop <part>} and {@code cva local start <part>}: break one part of the running stack on purpose
 * and bring it back on the same port (see {@link PartSwitch} for what each part keeps).
 */
final class LocalPartCommands {
    private LocalPartCommands() {}

    static final String PARTS = "firestore, receiver, sqs, notifier, processor, reporter";

    static int run(CvaContext ctx, String part, String action) {
        LocalState.requireLocalEnvironment(ctx);
        LocalState state = LocalState.require(ctx);
        JsonNode r = ControlClient.of(state, ctx.projectRoot())
                .post("/parts/" + part + "/" + action, null, Duration.ofMinutes(3));
        boolean changed = r.path("changed").asBoolean();
        if (ctx.globals().json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("part", r.path("part").asText());
            out.put("action", action);
            out.put("changed", changed);
            out.put("port", r.path("port").asInt());
            out.put("data", r.path("data").asText());
            ctx.printJson(out);
        } else {
            ctx.out()
                    .println(part
                            + (changed
                                    ? (action.equals("stop") ? " stopped" : " started")
                                    : " was already " + (action.equals("stop") ? "stopped" : "running"))
                            + " (port " + r.path("port").asInt() + "); data: "
                            + r.path("data").asText());
            ctx.out().flush();
        }
        if (!changed) {
            return ExitCode.NOTHING_TO_DO.code();
        }
        if (action.equals("stop")) {
            ctx.info("bring it back with 'cva local start " + part + "'");
        }
        return ExitCode.OK.code();
    }

    @Command(
            name = "stop",
            description = {
                "Stop one part of the running local stack, to rehearse an outage: " + PARTS + ".",
                "It keeps its port; sqs keeps its messages (ElasticMQ's H2 storage), firestore its documents (exported now, "
                        + "imported at start); a function's event source waits. dynamodb and ses cannot stop alone.",
                "Exit: 0 stopped, 2 no such part (or one that cannot stop alone), 4 already stopped."
            })
    static final class Stop implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "PART",
                description = "firestore, receiver, sqs, notifier, processor or reporter.")
        String part;

        private final CvaContext ctx;

        Stop(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return run(ctx, part, "stop");
        }
    }

    @Command(
            name = "start",
            description = {
                "Start a part stopped with 'cva local stop' again, on the same port.",
                "Exit: 0 started, 2 no such part, 4 it was running."
            })
    static final class Start implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "PART",
                description = "firestore, receiver, sqs, notifier, processor or reporter.")
        String part;

        private final CvaContext ctx;

        Start(CvaContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return run(ctx, part, "start");
        }
    }
}
