package dev.cva.cli.deploy;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code --env local} deploy target: a placeholder, and the seam the local stack plugs into.
 *
 * <p>To implement it, replace this class (keep the name, or change {@link DeployTargets#open}) with a
 * {@link DeployTarget} over the running local stack ({@code dev.cva.cli.local.LocalState}): the local Lambda runtime
 * keeps numbered versions of each function and a {@code live} alias with weights ({@link #revisions},
 * {@link #shiftTraffic}), and the receiver's URL in the state file is a stable front routing to receiver revisions.
 * {@link #deploy} gets the built artifact and its provenance in the {@link DeployPlan} (record
 * {@link Provenance#encode} on the revision so {@link #current} can give it back), and {@link #smoke} exercises one
 * revision directly. {@link DeployService} then runs the same flow as on the clouds: no-change, canary, promote,
 * smoke test and automatic rollback, with no change to the commands.
 */
final class LocalTarget implements DeployTarget {

    /** Fails at once, before any build, until the local stack implements the port. */
    LocalTarget() {
        throw notYet();
    }

    private static CvaException notYet() {
        return new CvaException(ExitCode.NOT_IMPLEMENTED, "deploying is not implemented yet for the local environment",
                "deploy to a cloud environment (--env prod); 'cva local up' runs the current build locally");
    }

    @Override
    public Optional<Deployed> current(String service) {
        throw notYet();
    }

    @Override
    public List<Revision> revisions(String service) {
        throw notYet();
    }

    @Override
    public Revision deploy(DeployPlan plan, Progress progress) {
        throw notYet();
    }

    @Override
    public void shiftTraffic(String service, Map<String, Integer> weights) {
        throw notYet();
    }

    @Override
    public SmokeResult smoke(String service, Revision revision) {
        throw notYet();
    }
}
