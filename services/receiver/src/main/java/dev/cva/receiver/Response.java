package dev.cva.receiver;

import dev.cva.contracts.Violation;
import dev.cva.contracts.webhook.Scheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the receiver answers: a status, extra headers and a small JSON body, plus what the request log line
 * needs ({@code requestId}, {@code scheme}, {@code error}); none of it ever holds a secret or a signature.
 */
public record Response(
        int status,
        Map<String, String> headers,
        Map<String, Object> body,
        String requestId,
        Scheme scheme,
        String error,
        String logDetail) {

    public Response {
        headers = Map.copyOf(headers);
        body = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }

    static Response ok(Map<String, Object> body, String requestId, Scheme scheme) {
        return new Response(200, Map.of(), body, requestId, scheme, null, null);
    }

    /** {@code {"error":"<code>","message":"<what is wrong>"}} */
    static Response error(int status, String code, String message) {
        return error(status, code, message, Map.of());
    }

    static Response error(int status, String code, String message, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return new Response(status, headers, body, null, null, code, null);
    }

    static Response invalid(String code, String message, List<Violation> violations) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        body.put(
                "violations",
                violations.stream()
                        .map(v -> Map.of("path", v.path(), "message", v.message()))
                        .toList());
        return new Response(400, Map.of(), body, null, null, code, null);
    }

    Response withRequestId(String id) {
        return new Response(status, headers, body, id, scheme, error, logDetail);
    }

    Response withScheme(Scheme s) {
        return new Response(status, headers, body, requestId, s, error, logDetail);
    }

    /** A note for the log line only (e.g. why the store failed); never sent to the caller. */
    Response withLogDetail(String detail) {
        return new Response(status, headers, body, requestId, scheme, error, detail);
    }
}
