package dev.cva.cli.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CvaContext;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Realistic chatbot events (design notes section 2) for sending and simulating. */
public final class ChatEvents {
    private static final List<String> QUERIES = List.of(
            "Has she run Kubernetes in production?",
            "What is her experience with AWS Lambda?",
            "Can he lead a platform team?",
            "Any Terraform at scale?",
            "How strong is her Java?",
            "Has he built event-driven systems with SQS?",
            "Experience with Firestore or other NoSQL stores?",
            "Did she mentor junior engineers?",
            "What about observability and on-call?",
            "Any Go or Rust?");
    private static final List<String> REASONS = List.of(
            "Three roles list Kubernetes in production, most recently on EKS.",
            "Several serverless projects on Lambda with SQS and DynamoDB.",
            "Led a team of five for two years.",
            "Mentions Terraform modules for a multi-account setup.",
            "Ten years of Java, recently Java 17 and 21.",
            "No direct evidence in the CV.");
    private static final List<String> MATCH = List.of("full", "partial", "none");

    private final Random random;

    public ChatEvents(Random random) {
        this.random = random;
    }

    public static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    public ObjectNode query(String requestId, long timestamp) {
        return query(
                requestId,
                timestamp,
                QUERIES.get(random.nextInt(QUERIES.size())),
                "sess-" + Integer.toHexString(random.nextInt(1 << 16)));
    }

    public static ObjectNode query(String requestId, long timestamp, String text, String sessionId) {
        ObjectNode q = CvaContext.json().createObjectNode();
        q.put("eventType", "query");
        q.put("requestId", requestId);
        q.put("timestamp", timestamp);
        q.put("query", text);
        if (sessionId != null) {
            q.put("sessionId", sessionId);
        }
        ObjectNode m = q.putObject("metadata");
        m.put("userAgent", "cva-local-simulator");
        m.put("referer", "http://localhost/cv");
        return q;
    }

    public ObjectNode response(String requestId, long timestamp) {
        String matchType = MATCH.get(random.nextInt(MATCH.size()));
        int score = switch (matchType) {
            case "full" -> 80 + random.nextInt(21);
            case "partial" -> 40 + random.nextInt(40);
            default -> random.nextInt(30);
        };
        ObjectNode r = response(requestId, timestamp, matchType, score, REASONS.get(random.nextInt(REASONS.size())));
        r.put("vectorMatches", random.nextInt(8));
        ObjectNode p = r.putObject("performance");
        int llm = 600 + random.nextInt(2000);
        int retrieval = 50 + random.nextInt(400);
        p.put("totalTime", llm + retrieval + random.nextInt(100));
        p.put("llmTime", llm);
        p.put("retrievalTime", retrieval);
        p.put("cacheHit", random.nextInt(5) == 0);
        return r;
    }

    public static ObjectNode response(
            String requestId, long timestamp, String matchType, double score, String reasoning) {
        ObjectNode r = CvaContext.json().createObjectNode();
        r.put("eventType", "response");
        r.put("requestId", requestId);
        r.put("timestamp", timestamp);
        r.put("matchType", matchType);
        if (score == Math.rint(score)) {
            r.put("matchScore", (long) score);
        } else {
            r.put("matchScore", score);
        }
        r.put("reasoning", reasoning);
        return r;
    }

    /** Poison for the DLQ: alternately a body that is not JSON and a query that breaks its schema. */
    public String poison(int i, long timestamp) {
        if (i % 2 == 0) {
            return "{\"eventType\":\"query\",\"requestId\": not json at all";
        }
        ObjectNode q = CvaContext.json().createObjectNode();
        q.put("eventType", "query");
        q.put("requestId", newRequestId());
        q.put("timestamp", timestamp);
        q.put("query", "");
        return q.toString();
    }
}
