package dev.cva.cli.deploy;

import dev.cva.cli.config.CvaConfig;
import java.nio.file.Path;

/**
 * One service's deploy as decided before anything is touched: the artifact and its SHA-256 (hex), the version from
 * the service's pom, the git commit and whether the work tree was dirty, the cva.yaml service definition, the
 * function's name ({@code resourceName}), {@code --create} with its IAM role, and the time recorded on the revision.
 */
public record DeployPlan(
        String service,
        CvaConfig.Service spec,
        String resourceName,
        Path artifact,
        String sha256,
        String version,
        String gitSha,
        boolean dirty,
        boolean create,
        String role,
        java.time.Instant at) {

    /** What a revision's description / labels record: {@code 1.2.0 abc1234… (dirty)}. */
    public String describe() {
        return version + " " + gitSha + (dirty ? " dirty" : "");
    }
}
