package dev.cva.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.ExitCode;
import dev.cva.cli.artifact.GitInfo;
import dev.cva.cli.config.ConfigLoader;
import dev.cva.cli.config.CvaConfig;
import dev.cva.cli.deploy.DeployResult.Outcome;
import dev.cva.cli.deploy.DeployTarget.Deployed;
import dev.cva.cli.deploy.DeployTarget.Revision;
import dev.cva.cli.deploy.DeployTarget.SmokeResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deploy flow against an in-memory target: canary with promotion, a first deploy that fails, drift, exit codes. */
class DeployServiceTest {

    /** Revisions numbered from 1, a traffic map, and a smoke test that fails for the revisions listed in {@code bad}. */
    static final class InMemoryTarget implements DeployTarget {
        final List<Revision> revisions = new ArrayList<>();
        Map<String, Integer> traffic = new LinkedHashMap<>();
        final List<String> bad = new ArrayList<>();

        @Override
        public Optional<Deployed> current(String service) {
            if (traffic.isEmpty()) {
                return Optional.empty();
            }
            String live = traffic.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
            return Optional.of(new Deployed(
                    service,
                    revisions.stream()
                            .filter(r -> r.id().equals(live))
                            .findFirst()
                            .orElseThrow(),
                    traffic));
        }

        @Override
        public List<Revision> revisions(String service) {
            List<Revision> newestFirst = new ArrayList<>(revisions);
            java.util.Collections.reverse(newestFirst);
            return newestFirst;
        }

        @Override
        public Revision deploy(DeployPlan plan, Progress progress) {
            Revision r =
                    Provenance.decode(Integer.toString(revisions.size() + 1), Provenance.encode(plan, plan.at()), null);
            revisions.add(r);
            return r;
        }

        @Override
        public void shiftTraffic(String service, Map<String, Integer> weights) {
            traffic = new LinkedHashMap<>(weights);
        }

        @Override
        public SmokeResult smoke(String service, Revision revision) {
            return bad.contains(revision.id()) ? SmokeResult.failed("boom") : SmokeResult.passed("ok");
        }
    }

    @TempDir
    Path root;

    private DeployService service(InMemoryTarget target) throws Exception {
        java.nio.file.Files.copy(dev.cva.cli.CliHarness.repoRoot().resolve("cva.yaml"), root.resolve("cva.yaml"));
        java.nio.file.Files.createDirectories(root.resolve("services/notifier"));
        java.nio.file.Files.writeString(
                root.resolve("services/notifier/pom.xml"), "<project><version>2.0.0</version></project>");
        CvaConfig config =
                ConfigLoader.load(root.resolve("cva.yaml"), Map.of(), root).config();
        return new DeployService(
                config,
                "prod",
                (s, spec) -> target,
                s -> "fn-" + s,
                new Artifacts(root),
                new GitInfo(root),
                Clock.systemUTC(),
                m -> {});
    }

    private Path jar(String content) throws Exception {
        Path p = root.resolve(content + ".jar");
        java.nio.file.Files.writeString(p, content);
        return p;
    }

    private static DeployService.Options opts(Path jar, Integer canary, boolean promote) {
        return new DeployService.Options(jar, true, false, canary, promote, true, false, null);
    }

    @Test
    void aCanaryWithPromoteEndsAtAllTrafficOnceTheSmokeTestPasses() throws Exception {
        InMemoryTarget t = new InMemoryTarget();
        DeployService s = service(t);
        assertThat(s.deploy("notifier", opts(jar("a"), null, false)).outcome()).isEqualTo(Outcome.deployed);
        DeployResult r = s.deploy("notifier", opts(jar("b"), 20, true));
        assertThat(r.outcome()).isEqualTo(Outcome.deployed);
        assertThat(r.traffic()).isEqualTo(Map.of("2", 100));
        assertThat(t.traffic).isEqualTo(Map.of("2", 100));
        // without --promote the split stays for 'cva deploy promote'
        DeployResult c = s.deploy("notifier", opts(jar("c"), 20, false));
        assertThat(t.traffic).isEqualTo(Map.of("3", 20, "2", 80));
        assertThat(c.traffic()).isEqualTo(Map.of("3", 20, "2", 80));
        assertThat(s.promote("notifier").to().revision()).isEqualTo("3");
        assertThat(t.traffic).isEqualTo(Map.of("3", 100));
    }

    @Test
    void aCanaryNeedsADeployedRevisionToSplitWith() throws Exception {
        InMemoryTarget t = new InMemoryTarget();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> service(t).deploy("notifier", opts(jar("a"), 10, false)))
                .isInstanceOfSatisfying(
                        dev.cva.cli.CvaException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("has none");
        assertThat(t.revisions).isEmpty();
    }

    @Test
    void aFailedSmokeTestWithNothingToRollBackToFails() throws Exception {
        InMemoryTarget t = new InMemoryTarget();
        t.bad.add("1");
        DeployResult r = service(t).deploy("notifier", opts(jar("a"), null, false));
        assertThat(r.outcome()).isEqualTo(Outcome.failed);
        assertThat(r.outcome().exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.reason()).contains("no earlier revision", "boom");
        assertThat(r.smoke().passed()).isFalse();
    }

    @Test
    void aFailedCanaryGoesBackToTheRevisionThatServedBefore() throws Exception {
        InMemoryTarget t = new InMemoryTarget();
        DeployService s = service(t);
        s.deploy("notifier", opts(jar("a"), null, false));
        t.bad.add("2");
        DeployResult r = s.deploy("notifier", opts(jar("b"), 10, true));
        assertThat(r.outcome()).isEqualTo(Outcome.rolled_back);
        assertThat(t.traffic).isEqualTo(Map.of("1", 100));
        JsonNode json = CvaContext.json().valueToTree(r);
        assertThat(json.path("outcome").asText()).isEqualTo("rolled-back");
        assertThat(json.path("smoke").path("passed").asBoolean()).isFalse();
        assertThat(json.path("to").path("revision").asText()).isEqualTo("2");
        assertThat(json.path("from").path("version").asText()).isEqualTo("2.0.0");
        assertThat(json.has("durationMs")).isTrue();
    }

    @Test
    void driftComparesTheDeployedVersionAndCommitWithTheLatestTag() {
        GitInfo.Release tag = new GitInfo.Release("1.2.0", "abc");
        assertThat(DeployService.drift(null, tag)).isEqualTo("not-deployed");
        assertThat(DeployService.drift(rev("1.2.0", "abc", false), null)).isEqualTo("untagged");
        assertThat(DeployService.drift(rev("1.2.0", "abc", false), tag)).isEqualTo("current");
        assertThat(DeployService.drift(rev("1.2.0", "abc", true), tag)).isEqualTo("modified");
        assertThat(DeployService.drift(rev("1.2.0", "def", false), tag)).isEqualTo("modified");
        assertThat(DeployService.drift(rev("1.1.9", "def", false), tag)).isEqualTo("behind");
        assertThat(DeployService.drift(rev("1.10.0", "def", false), tag)).isEqualTo("ahead");
        assertThat(DeployService.drift(rev(null, null, null), tag)).isEqualTo("modified");
    }

    @Test
    void deployAllExitCodes() {
        assertThat(DeployView.exitCode(List.of(result(Outcome.deployed), result(Outcome.no_change))))
                .isEqualTo(ExitCode.OK);
        assertThat(DeployView.exitCode(List.of(result(Outcome.no_change), result(Outcome.no_change))))
                .isEqualTo(ExitCode.NOTHING_TO_DO);
        assertThat(DeployView.exitCode(List.of(result(Outcome.failed), result(Outcome.deployed))))
                .isEqualTo(ExitCode.PARTIAL);
        assertThat(DeployView.exitCode(List.of(result(Outcome.rolled_back), result(Outcome.no_change))))
                .isEqualTo(ExitCode.FAILURE);
        assertThat(DeployView.exitCode(List.of(result(Outcome.no_change)))).isEqualTo(ExitCode.NOTHING_TO_DO);
    }

    @Test
    void smokeEventsAreTheContractExamplesInTheTriggersShapes() throws Exception {
        JsonNode sqs = CvaContext.json().readTree(SmokeEvents.forService("processor", "eu-west-2"));
        JsonNode record = sqs.path("Records").get(0);
        assertThat(record.path("eventSource").asText()).isEqualTo("aws:sqs");
        assertThat(CvaContext.json().readTree(record.path("body").asText()))
                .isEqualTo(SmokeEvents.example("query-event/valid/minimal.json"));
        JsonNode stream = CvaContext.json()
                .readTree(SmokeEvents.forService("notifier", "eu-west-2"))
                .path("Records")
                .get(0);
        assertThat(stream.path("eventName").asText()).isEqualTo("INSERT");
        JsonNode image = stream.path("dynamodb").path("NewImage");
        assertThat(image.path("matchScore").path("N").asText()).isEqualTo("92");
        assertThat(image.path("query").path("S").asText()).startsWith("Has Dan");
        assertThat(image.path("performance")
                        .path("M")
                        .path("cacheHit")
                        .path("BOOL")
                        .asBoolean())
                .isFalse();
        assertThat(CvaContext.json()
                        .readTree(SmokeEvents.forService("reporter", "eu-west-2"))
                        .path("dryRun")
                        .asBoolean())
                .isTrue();
    }

    private static Revision rev(String version, String sha, Boolean dirty) {
        return new Revision("1", version, sha, dirty, "x", Instant.EPOCH);
    }

    private static DeployResult result(Outcome o) {
        return new DeployResult("s", "prod", o, null, null, null, null, Map.of(), null, 0, null);
    }
}
