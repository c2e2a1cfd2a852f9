package dev.cva.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cva.local.LocalIam;
import dev.cva.local.LocalRuntimeException;
import dev.cva.local.ServicePolicies;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * IAM in front of a stand-in that has none (ElasticMQ for SQS, the SES stand-in): a loopback proxy that finds who
 * signed each AWS request (the access key in its Authorization header), what it asks (the action and the resource's
 * ARN) and refuses it as AWS would, with UnrecognizedClientException for keys the stack did not issue and
 * AccessDeniedException for what the principal's policy (infra/policies) does not allow, before the stand-in sees it.
 * Each distinct call (principal, action, resource, decision) is written once to a JSON-lines file.
 */
public final class IamGate implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HOP_BY_HOP = Set.of(
            "host",
            "content-length",
            "connection",
            "expect",
            "upgrade",
            "transfer-encoding",
            "keep-alive",
            "te",
            "trailer",
            "proxy-connection",
            "http2-settings");

    /** One AWS API call: its IAM action, the ARN it acts on and the condition keys it carries (lower case). */
    public record Call(String action, String resource, Map<String, String> context, boolean query) {}

    /** How an API's requests name their action and resource; null for a request that is not an AWS API call. */
    @FunctionalInterface
    public interface Api {
        Call call(String method, String path, String contentType, Map<String, String> headers, byte[] body);
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final HttpClient client;
    private final URI target;
    private final Api api;
    private final Function<String, Optional<LocalIam.Principal>> principals;
    private final Path log;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    private IamGate(URI target, Api api, Function<String, Optional<LocalIam.Principal>> principals, Path log)
            throws IOException {
        this.target = target;
        this.api = api;
        this.principals = principals;
        this.log = log;
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        // SQS long polls hold a thread for up to 20 s each: plenty of threads, all daemons
        this.pool = Executors.newFixedThreadPool(48, r -> {
            Thread t = new Thread(r, "iam-gate");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
    }

    /** A gate on a free port of 127.0.0.1 in front of {@code target}, writing the calls it sees to {@code log}. */
    public static IamGate start(
            URI target, Api api, Function<String, Optional<LocalIam.Principal>> principals, Path log) {
        try {
            IamGate g = new IamGate(target, api, principals, log);
            g.server.start();
            return g;
        } catch (IOException e) {
            throw new LocalRuntimeException(
                    "cannot start the IAM gate in front of " + target + ": " + e.getMessage(), null, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String path = ex.getRequestURI().getRawPath();
            Call call = api.call(ex.getRequestMethod(), path, headers.getOrDefault("content-type", ""), headers, body);
            if (call != null && !permitted(ex, call, headers.get("authorization"))) {
                return;
            }
            forward(ex, headers, body);
        }
    }

    /** Whether AWS would let {@code call} through; if not, the client has its refusal. */
    private boolean permitted(HttpExchange ex, Call call, String authorization) throws IOException {
        String key = accessKey(authorization);
        Optional<LocalIam.Principal> who = key == null ? Optional.empty() : principals.apply(key);
        if (who.isEmpty()) {
            record(key == null ? "(unsigned)" : key, call, "unrecognized");
            refuse(
                    ex,
                    call,
                    "UnrecognizedClientException",
                    "InvalidClientTokenId",
                    "The security token included in the request is invalid.");
            return false;
        }
        PolicyEvaluator.Decision d = who.get().policy().decide(call.action(), call.resource(), call.context());
        record(who.get().arn(), call, d == PolicyEvaluator.Decision.ALLOW ? "allowed" : "denied");
        if (d != PolicyEvaluator.Decision.ALLOW) {
            refuse(
                    ex,
                    call,
                    "AccessDeniedException",
                    "AccessDenied",
                    "User: " + who.get().arn()
                            + " is not authorized to perform: " + call.action() + " on resource: " + call.resource()
                            + (d == PolicyEvaluator.Decision.EXPLICIT_DENY
                                    ? " with an explicit deny"
                                    : " because no identity-based policy allows the " + call.action() + " action"));
            return false;
        }
        return true;
    }

    /** As AWS answers: JSON with the error type for JSON protocols, an XML ErrorResponse for the query protocol. */
    private static void refuse(HttpExchange ex, Call call, String jsonType, String queryCode, String message)
            throws IOException {
        byte[] out;
        if (call.query()) {
            ex.getResponseHeaders().set("Content-Type", "text/xml");
            out = ("<ErrorResponse><Error><Type>Sender</Type><Code>" + queryCode + "</Code><Message>" + xml(message)
                            + "</Message></Error><RequestId>cva-iam-gate</RequestId></ErrorResponse>")
                    .getBytes(StandardCharsets.UTF_8);
        } else {
            ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            ex.getResponseHeaders().set("x-amzn-ErrorType", jsonType);
            ex.getResponseHeaders().set("x-amzn-query-error", queryCode + ";Sender");
            out = JSON.writeValueAsBytes(Map.of("__type", "com.amazon.coral.service#" + jsonType, "message", message));
        }
        ex.sendResponseHeaders(403, out.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
        }
    }

    private void record(String principal, Call call, String decision) {
        String line;
        try {
            line = JSON.writeValueAsString(Map.of(
                    "principal",
                    principal,
                    "action",
                    call.action(),
                    "resource",
                    call.resource(),
                    "decision",
                    decision));
        } catch (IOException e) {
            return;
        }
        if (log != null && seen.add(line)) {
            synchronized (this) {
                try {
                    Files.writeString(
                            log,
                            line + "\n",
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } catch (IOException ignored) {
                    // the record is evidence, not a condition of the call
                }
            }
        }
    }

    /** The access key id of a SigV4 Authorization header ({@code Credential=AKID/date/region/service/aws4_request}). */
    static String accessKey(String authorization) {
        if (authorization == null) {
            return null;
        }
        int i = authorization.indexOf("Credential=");
        if (i < 0) {
            return null;
        }
        int end = authorization.indexOf('/', i);
        return end < 0 ? null : authorization.substring(i + "Credential=".length(), end);
    }

    /** SQS (JSON and query protocols) on a stand-in whose queues are {@code /ACCOUNT/NAME}. */
    public static Api sqs(String region) {
        return (method, path, contentType, headers, body) -> {
            String target = headers.get("x-amz-target");
            Map<String, String> params;
            String action;
            boolean query;
            if (target != null) {
                action = target.substring(target.lastIndexOf('.') + 1);
                params = jsonFields(body);
                query = false;
            } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
                params = form(new String(body, StandardCharsets.UTF_8));
                action = params.get("Action");
                query = true;
            } else {
                return null;
            }
            if (action == null) {
                return null;
            }
            String name = params.get("QueueName");
            String url = params.getOrDefault("QueueUrl", path);
            if (name == null && url != null) {
                List<String> segments = List.of(URI.create(url).getPath().split("/")).stream()
                        .filter(x -> !x.isEmpty())
                        .toList();
                name = segments.size() == 2 ? segments.get(1) : null;
            }
            String resource = name == null
                    ? "arn:aws:sqs:" + region + ":" + dev.cva.local.LocalAws.ACCOUNT + ":*"
                    : ServicePolicies.Arns.queue(region, name);
            // IAM has no batch actions: SendMessageBatch is authorized as sqs:SendMessage, and so on (SQS Developer
            // Guide, "Amazon SQS API permissions: Actions and resource reference")
            String iamAction =
                    action.endsWith("Batch") ? action.substring(0, action.length() - "Batch".length()) : action;
            return new Call("sqs:" + iamAction, resource, Map.of(), query);
        };
    }

    /** SES v2's SendEmail (REST JSON): the sender's domain identity, with {@code ses:FromAddress}. */
    public static Api sesV2(String region) {
        return (method, path, contentType, headers, body) -> {
            if (!"POST".equals(method) || !path.equals("/v2/email/outbound-emails")) {
                return null; // the stand-in's own pages (its /store of sent mails) are not AWS calls
            }
            String from = jsonFields(body).getOrDefault("FromEmailAddress", "");
            int lt = from.indexOf('<');
            String address = (lt >= 0
                            ? from.substring(lt + 1, from.indexOf('>', lt) < 0 ? from.length() : from.indexOf('>', lt))
                            : from)
                    .trim();
            String domain = address.substring(address.indexOf('@') + 1);
            return new Call(
                    "ses:SendEmail",
                    ServicePolicies.Arns.sesIdentity(region, domain),
                    Map.of("ses:fromaddress", address),
                    false);
        };
    }

    private static Map<String, String> jsonFields(byte[] body) {
        Map<String, String> out = new HashMap<>();
        try {
            JsonNode n = JSON.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
            n.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        } catch (IOException e) {
            // not JSON: no parameters, the stand-in answers it
        }
        return out;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private void forward(HttpExchange ex, Map<String, String> headers, byte[] body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        target.resolve(ex.getRequestURI().getRawPath()
                                + (ex.getRequestURI().getRawQuery() == null
                                        ? ""
                                        : "?" + ex.getRequestURI().getRawQuery())))
                .method(
                        ex.getRequestMethod(),
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((k, v) -> {
            if (!HOP_BY_HOP.contains(k)) {
                b.header(k, v);
            }
        });
        HttpResponse<byte[]> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(503, -1);
            return;
        } catch (IOException e) { // the stand-in is down (cva local stop sqs): the client sees a refused connection
            ex.sendResponseHeaders(502, -1);
            return;
        }
        r.headers().map().forEach((k, v) -> {
            if (!HOP_BY_HOP.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) {
                ex.getResponseHeaders().put(k, v);
            }
        });
        byte[] out = r.body();
        ex.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
