package dev.cva.cli.deploy;

import dev.cva.cli.config.CvaConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code resources} section of {@code cva status}: is every AWS resource the code expects there, by the names
 * cva.yaml gives? Each function and its {@code live} alias (the notifier's redrive function too), each event source
 * mapping (the live alias fed by the queue or the analytics table's stream), the tables and the queues. What a
 * deploy cannot create (Terraform's part) shows up here as {@code found: false} before the first event fails.
 */
public final class CloudResources {

    /** One expected resource: its kind, its name (a mapping: {@code source -> function:live}) and whether it exists. */
    public record Resource(String kind, String name, boolean found, String detail) {}

    /** An event source mapping as the cloud lists it. */
    public record Mapping(String eventSourceArn, String functionArn, String state) {}

    /** What is there: the narrow view of the cloud's control planes this check needs (SDK errors stay behind it). */
    public interface Inventory extends AutoCloseable {
        boolean function(String name);

        boolean alias(String function, String alias);

        List<Mapping> mappings();

        boolean table(String name);

        boolean queue(String name);

        @Override
        void close();
    }

    /** The cva.yaml names of the environment (aws.queue, aws.dlq, aws.webhookDlq, the two tables). */
    public record Names(String queue, String dlq, String webhookDlq, String queryEventsTable, String analyticsTable) {}

    private final CvaConfig config;
    private final Function<String, String> functionName;
    private final Names names;

    public CloudResources(CvaConfig config, Function<String, String> functionName, Names names) {
        this.config = config;
        this.functionName = functionName;
        this.names = names;
    }

    /** The expected resources of the AWS services among {@code services}, with the tables and queues; none if no AWS service. */
    public List<Resource> check(List<String> services, Inventory cloud) {
        List<Resource> out = new ArrayList<>();
        List<Mapping> mappings = null;
        for (String service : services) {
            CvaConfig.Service spec = config.services().get(service);
            if (spec == null || spec.cloud() != CvaConfig.Cloud.AWS) {
                continue;
            }
            List<String> functions = new ArrayList<>(List.of(functionName.apply(service)));
            if (spec.redrive() != null && spec.redrive().handler() != null) {
                functions.add(functionName.apply(service) + "-redrive"); // as the Terraform and cva deploy name it
            }
            for (String fn : functions) {
                boolean exists = cloud.function(fn);
                out.add(new Resource("function", fn, exists, null));
                out.add(new Resource(
                        "alias", fn + ":" + DeployTarget.LIVE, exists && cloud.alias(fn, DeployTarget.LIVE), null));
            }
            if (spec.eventSource() != null) {
                if (mappings == null) {
                    mappings = cloud.mappings();
                }
                boolean stream = spec.eventSource().startingPosition() != null;
                String source = stream ? names.analyticsTable() + " (stream)" : names.queue();
                String fn = functions.get(0);
                String target = fn + ":" + DeployTarget.LIVE;
                List<Mapping> fromSource = mappings.stream()
                        .filter(x -> x.eventSourceArn() != null
                                && (stream
                                        ? x.eventSourceArn().contains(":table/" + names.analyticsTable() + "/stream/")
                                        : x.eventSourceArn().endsWith(":" + names.queue())))
                        .filter(x -> x.functionArn() != null
                                && (x.functionArn().endsWith(":function:" + fn)
                                        || x.functionArn().contains(":function:" + fn + ":")))
                        .toList();
                Mapping live = fromSource.stream()
                        .filter(x -> x.functionArn().endsWith(":function:" + target))
                        .findFirst()
                        .orElse(null);
                // A mapping on a version or $LATEST is not found: cva deploy moves live, and it would not follow.
                String detail = live != null
                        ? live.state()
                        : fromSource.isEmpty()
                                ? null
                                : "invokes " + fromSource.get(0).functionArn() + ", not the live alias";
                out.add(new Resource("eventSourceMapping", source + " -> " + target, live != null, detail));
            }
        }
        if (out.isEmpty()) {
            return out;
        }
        for (String t : List.of(names.queryEventsTable(), names.analyticsTable())) {
            out.add(new Resource("table", t, cloud.table(t), null));
        }
        for (String q : List.of(names.queue(), names.dlq(), names.webhookDlq())) {
            out.add(new Resource("queue", q, cloud.queue(q), null));
        }
        return out;
    }
}
