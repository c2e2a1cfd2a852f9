package dev.cva.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * IAM's evaluation of one identity policy, for the stand-ins IAM does not reach (ElasticMQ, the SES stand-in): an
 * explicit Deny wins, else an Allow whose Action, Resource and Condition all match, else denied by default. Actions
 * match case-insensitively and resources case-sensitively, with {@code *} and {@code ?} wildcards; conditions support
 * StringEquals and StringLike on the request's context keys, and a key the request lacks makes the condition false.
 */
public final class PolicyEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Decision {
        ALLOW,
        IMPLICIT_DENY,
        EXPLICIT_DENY
    }

    private record Statement(boolean allow, List<Pattern> actions, List<Pattern> resources, JsonNode condition) {}

    private final List<Statement> statements = new ArrayList<>();

    public PolicyEvaluator(String policyJson) {
        try {
            JsonNode doc = JSON.readTree(policyJson);
            JsonNode st = doc.path("Statement");
            for (JsonNode s : st.isArray() ? st : JSON.createArrayNode().add(st)) {
                statements.add(new Statement(
                        "Allow".equals(s.path("Effect").asText()),
                        patterns(s.path("Action"), true),
                        patterns(s.path("Resource"), false),
                        s.path("Condition")));
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not an IAM policy document: " + e.getMessage(), e);
        }
    }

    public Decision decide(String action, String resource, Map<String, String> context) {
        boolean allowed = false;
        for (Statement s : statements) {
            if (matches(s.actions(), action)
                    && matches(s.resources(), resource)
                    && conditionHolds(s.condition(), context)) {
                if (!s.allow()) {
                    return Decision.EXPLICIT_DENY;
                }
                allowed = true;
            }
        }
        return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }

    private static boolean conditionHolds(JsonNode condition, Map<String, String> context) {
        if (condition.isMissingNode() || condition.isEmpty()) {
            return true;
        }
        for (var op : (Iterable<Map.Entry<String, JsonNode>>) condition::fields) {
            boolean like = op.getKey().equals("StringLike");
            if (!like && !op.getKey().equals("StringEquals")) {
                return false; // an operator this evaluator does not know: never grant on it
            }
            for (var key : (Iterable<Map.Entry<String, JsonNode>>) op.getValue()::fields) {
                String actual = context.get(key.getKey().toLowerCase(Locale.ROOT));
                if (actual == null) {
                    return false;
                }
                boolean any = false;
                for (JsonNode v : key.getValue().isArray()
                        ? key.getValue()
                        : JSON.createArrayNode().add(key.getValue())) {
                    any |= like
                            ? glob(v.asText(), false).matcher(actual).matches()
                            : v.asText().equals(actual);
                }
                if (!any) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matches(List<Pattern> patterns, String value) {
        return patterns.stream().anyMatch(p -> p.matcher(value).matches());
    }

    private static List<Pattern> patterns(JsonNode node, boolean ignoreCase) {
        List<Pattern> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(glob(node.asText(), ignoreCase));
        } else {
            node.forEach(n -> out.add(glob(n.asText(), ignoreCase)));
        }
        return out;
    }

    private static Pattern glob(String glob, boolean ignoreCase) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    }
}
