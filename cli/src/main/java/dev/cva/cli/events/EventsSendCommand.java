package dev.cva.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stackclient.LocalClients;
import dev.cva.cli.stackclient.LocalState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cva events send query|response …}: one event, validated against its contract before it is sent. */
@Command(
        name = "send",
        description = {
            "Send one query or response event, validated against the contracts first.",
            "MessageGroupId = requestId; MessageDeduplicationId = requestId-eventType."
        })
final class EventsSendCommand implements Callable<Integer> {
    enum Type {
        query,
        response
    }

    enum MatchType {
        full,
        partial,
        none
    }

    @Parameters(index = "0", paramLabel = "query|response", description = "The event type: ${COMPLETION-CANDIDATES}.")
    Type type;

    @Option(names = "--request-id", paramLabel = "UUID", description = "Request id (default: a new one).")
    String requestId;

    @Option(names = "--query", paramLabel = "TEXT", description = "Query text (query events).")
    String query;

    @Option(names = "--session-id", paramLabel = "ID", description = "Session id (optional).")
    String sessionId;

    @Option(names = "--match-type", paramLabel = "TYPE", description = "${COMPLETION-CANDIDATES} (response events).")
    MatchType matchType;

    @Option(names = "--score", paramLabel = "0..100", description = "Match score (response events).")
    Double score;

    @Option(names = "--reasoning", paramLabel = "TEXT", description = "Reasoning (response events).")
    String reasoning;

    @Option(names = "--vector-matches", paramLabel = "N", description = "Vector matches (response events, optional).")
    Integer vectorMatches;

    @Option(names = "--timestamp", paramLabel = "EPOCH_MS", description = "Event time (default: now).")
    Long timestamp;

    @Option(names = "--data", paramLabel = "@FILE|JSON", description = "The whole event as JSON, or @file.json")
    String data;

    private final CvaContext ctx;

    EventsSendCommand(CvaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LocalState.requireLocalEnvironment(ctx);
        JsonNode event = data != null ? fromData() : fromFlags();
        EventSender.validate(event);
        try (LocalClients clients = LocalClients.running(ctx)) {
            EventSender.Sent sent = EventSender.of(clients).send(event);
            if (ctx.globals().json()) {
                ctx.printJson(sent);
            } else {
                ctx.out()
                        .println("sent " + sent.eventType() + " " + sent.requestId() + " (message " + sent.messageId()
                                + ")");
                ctx.out().flush();
            }
        }
        return ExitCode.OK.code();
    }

    private JsonNode fromData() {
        try {
            String text = data.startsWith("@") ? Files.readString(ctx.cwd().resolve(Path.of(data.substring(1)))) : data;
            JsonNode node = CvaContext.json().readTree(text);
            if (!node.isObject() || !node.path("eventType").asText().equals(type.name())) {
                throw CvaException.usage(
                        "--data must be a " + type + " event object (eventType \"" + type + "\")", null);
            }
            return node;
        } catch (IOException e) {
            throw CvaException.usage("--data: " + e.getMessage(), "pass JSON or @file.json");
        }
    }

    private JsonNode fromFlags() {
        String id = requestId != null ? requestId : ChatEvents.newRequestId();
        long ts = timestamp != null ? timestamp : ctx.clock().millis();
        if (type == Type.query) {
            if (query == null) {
                throw CvaException.usage("a query event needs --query", "e.g. --query 'Has she run Kubernetes?'");
            }
            return ChatEvents.query(id, ts, query, sessionId);
        }
        if (matchType == null || score == null) {
            throw CvaException.usage(
                    "a response event needs --match-type and --score", "e.g. --match-type full --score 92");
        }
        ObjectNode r = ChatEvents.response(id, ts, matchType.name(), score, reasoning == null ? "" : reasoning);
        if (vectorMatches != null) {
            r.put("vectorMatches", vectorMatches);
        }
        if (sessionId != null) {
            r.put("sessionId", sessionId);
        }
        return r;
    }
}
