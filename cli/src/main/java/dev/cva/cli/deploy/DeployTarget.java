package dev.cva.cli.deploy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where services deploy to: one implementation per cloud and environment ({@code aws.AwsLambdaTarget},
 * {@code gcp.CloudFunctionsTarget}, {@link LocalTarget}). The port speaks of revisions (a Lambda version, a Cloud
 * Run revision) and of traffic (the {@code live} alias's weights, the Cloud Run service's split); SDK exceptions
 * become {@link dev.cva.cli.CvaException}s inside each implementation.
 */
public interface DeployTarget extends AutoCloseable {

    /** The alias / traffic name every target routes through. */
    String LIVE = dev.cva.local.lambda.FunctionAlias.LIVE;

    /**
     * One deployed revision and what cva recorded about it. {@code id} is the Lambda version number or the Cloud
     * Run revision name; the other fields are null when the revision was not deployed by cva.
     */
    record Revision(String id, String version, String gitSha, Boolean dirty, String sha256, Instant time) {}

    /** What serves a service now: the revision with most traffic and the whole split (revision id → percent). */
    record Deployed(String service, Revision live, Map<String, Integer> traffic) {
        public Deployed {
            traffic = traffic == null ? Map.of() : new LinkedHashMap<>(traffic);
        }
    }

    /** The outcome of one smoke test: passed or not, with a one-line reason (never a secret). */
    record SmokeResult(boolean passed, String detail) {
        public static SmokeResult passed(String detail) {
            return new SmokeResult(true, detail);
        }

        public static SmokeResult failed(String detail) {
            return new SmokeResult(false, detail);
        }
    }

    /** The revision serving {@code service} now, or empty when it was never deployed (or does not exist). */
    Optional<Deployed> current(String service);

    /** The service's revisions, newest first. */
    List<Revision> revisions(String service);

    /**
     * Uploads the plan's artifact and creates a new revision without moving traffic to it (Cloud Functions moves
     * traffic to the latest revision itself unless the split is pinned: the target pins it to the previous
     * revision first). Returns the new revision.
     */
    Revision deploy(DeployPlan plan, Progress progress);

    /** Routes traffic: revision id → percent, summing to 100 (one or two entries). */
    void shiftTraffic(String service, Map<String, Integer> weights);

    /** Moves all traffic back to {@code to} (instant: no rebuild). */
    default void rollback(String service, Revision to) {
        shiftTraffic(service, Map.of(to.id(), 100));
    }

    /** Exercises {@code revision} directly (not through the split) with a harmless request. */
    SmokeResult smoke(String service, Revision revision);

    @Override
    default void close() {}

    /** Progress lines for long steps (stderr). */
    @FunctionalInterface
    interface Progress {
        void step(String message);
    }
}
