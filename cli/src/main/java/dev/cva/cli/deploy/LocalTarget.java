package dev.cva.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.cli.stackclient.ControlClient;
import dev.cva.cli.stackclient.LocalState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code --env local} deploy target: the running local stack, through its control channel
 * (the supervisor's {@code LocalDeploys}). A Lambda's revisions are its local versions behind the {@code live}
 * alias; the receiver's are Functions Framework processes behind the stable front whose URL is in the state file.
 * Revision ids are numbers (1 = what {@code cva local up} started). The smoke test invokes the new Lambda version
 * directly through the stack's Invoke API ({@code <function>:<version>}), or sends the receiver's checks to the new
 * revision's own URL.
 */
final class LocalTarget implements DeployTarget {
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(3);

    private final LocalState state;
    private final ControlClient control;
    private final ReceiverSmoke receiverSmoke;
    private final String region;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    LocalTarget(LocalState state, Path projectRoot, ReceiverSmoke receiverSmoke) {
        this.state = state;
        this.control = ControlClient.of(state, projectRoot);
        this.receiverSmoke = receiverSmoke;
        String r = state.resource("region");
        this.region = r == null ? "us-east-1" : r;
    }

    @Override
    public Optional<Deployed> current(String service) {
        JsonNode listing = control.get("/revisions/" + service);
        List<Revision> all = decode(listing);
        Map<String, Integer> traffic = traffic(listing);
        // as on Lambda, the alias's main version is the one a canary splits with: the older revision of a split
        String live = traffic.keySet().stream()
                .min(java.util.Comparator.comparingInt(Integer::parseInt))
                .orElse(null);
        return all.stream().filter(r -> r.id().equals(live)).findFirst().map(r -> new Deployed(service, r, traffic));
    }

    @Override
    public List<Revision> revisions(String service) {
        return decode(control.get("/revisions/" + service));
    }

    @Override
    public Revision deploy(DeployPlan plan, Progress progress) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("artifact", plan.artifact().toAbsolutePath().toString());
        req.put("description", Provenance.encode(plan, plan.at()));
        if (plan.spec().handler() != null) {
            req.put("handler", plan.spec().handler());
        }
        req.put("memoryMb", plan.spec().memoryMb());
        req.put("timeoutSeconds", plan.spec().timeoutSeconds());
        progress.step(plan.service() + ": starting the new "
                + (plan.service().equals("receiver") ? "revision" : "version") + " and waiting until it is ready…");
        String id = control.post("/deploy/" + plan.service(), req, DEPLOY_TIMEOUT)
                .path("id")
                .asText();
        return revisions(plan.service()).stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new CvaException(ExitCode.FAILURE, "the local stack lost revision " + id, null));
    }

    @Override
    public void shiftTraffic(String service, Map<String, Integer> weights) {
        control.post("/traffic/" + service, Map.of("weights", weights), DEPLOY_TIMEOUT);
    }

    @Override
    public SmokeResult smoke(String service, Revision revision) {
        if (service.equals("receiver")) {
            String url = null;
            for (JsonNode r : control.get("/revisions/receiver").path("revisions")) {
                if (r.path("id").asText().equals(revision.id())) {
                    url = r.path("url").isTextual() ? r.path("url").asText() : null;
                }
            }
            if (url == null) {
                return SmokeResult.failed("revision " + revision.id() + " is not running");
            }
            return receiverSmoke.apply(URI.create(url));
        }
        String lambda = state.url("lambda");
        if (lambda == null) {
            return SmokeResult.failed("the local stack has no Lambda endpoint");
        }
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    lambda + "/2015-03-31/functions/" + service + ":" + revision.id() + "/invocations"))
                            .timeout(Duration.ofMinutes(2))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(SmokeEvents.forService(service, region)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200
                    || r.headers().firstValue("X-Amz-Function-Error").isPresent()) {
                return SmokeResult.failed(
                        "test invocation of version " + revision.id() + " failed: " + brief(r.body()));
            }
            JsonNode body = dev.cva.cli.CvaContext.json().readTree(r.body());
            if (body.path("batchItemFailures").size() > 0) {
                return SmokeResult.failed("version " + revision.id() + " reported its test record as failed");
            }
            return SmokeResult.passed("test invocation of version " + revision.id() + " answered without error");
        } catch (IOException e) {
            return SmokeResult.failed("cannot invoke version " + revision.id() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SmokeResult.failed("interrupted");
        }
    }

    private static String brief(String body) {
        try {
            JsonNode n = dev.cva.cli.CvaContext.json().readTree(body);
            String msg = n.path("errorType").asText("")
                    + (n.has("errorMessage") ? ": " + n.path("errorMessage").asText() : "");
            if (!msg.isBlank()) {
                return msg.length() > 200 ? msg.substring(0, 200) + "…" : msg;
            }
        } catch (IOException ignored) {
            // not JSON
        }
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }

    private static List<Revision> decode(JsonNode listing) {
        List<Revision> out = new ArrayList<>();
        for (JsonNode r : listing.path("revisions")) {
            Instant created = r.path("created").isTextual()
                    ? Instant.parse(r.path("created").asText())
                    : null;
            out.add(Provenance.decode(
                    r.path("id").asText(), r.path("description").asText(null), created));
        }
        return out;
    }

    private static Map<String, Integer> traffic(JsonNode listing) {
        Map<String, Integer> t = new LinkedHashMap<>();
        listing.path("traffic").fields().forEachRemaining(e -> {
            if (e.getValue().asInt() > 0) {
                t.put(e.getKey(), e.getValue().asInt());
            }
        });
        return t;
    }
}
