package dev.cva.cli.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cva.cli.ExitCode;
import java.util.Map;

/**
 * The stable {@code --json} shape of one service's deploy, promote or rollback (README, "cva deploy"):
 * {@code service, env, outcome, from, to, sha, dirty, traffic, smoke, durationMs, reason}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DeployResult(
        String service,
        String env,
        Outcome outcome,
        RevisionView from,
        RevisionView to,
        String sha,
        Boolean dirty,
        Map<String, Integer> traffic,
        DeployTarget.SmokeResult smoke,
        long durationMs,
        String reason) {

    public enum Outcome {
        deployed,
        planned,
        promoted,
        no_change,
        rolled_back,
        failed;

        /** The wire name: {@code no-change}, {@code rolled-back}. */
        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().replace('_', '-');
        }

        public ExitCode exitCode() {
            return switch (this) {
                case deployed, planned, promoted -> ExitCode.OK;
                case no_change -> ExitCode.NOTHING_TO_DO;
                case rolled_back, failed -> ExitCode.FAILURE;
            };
        }
    }

    /** A revision as shown: its id, and the version, git sha and artifact SHA-256 cva recorded on it. */
    public record RevisionView(String revision, String version, String gitSha, String sha256) {
        static RevisionView of(DeployTarget.Revision r) {
            return r == null ? null : new RevisionView(r.id(), r.version(), r.gitSha(), r.sha256());
        }
    }
}
