package dev.cva.cli.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cva.cli.CliHarness;
import dev.cva.cli.audit.AuditEntry;
import dev.cva.local.Moto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cva secrets status} and {@code cva secrets rotate webhook} on {@code prod} as a user runs them, in process:
 * AWS Secrets Manager is moto's (through the SDK's own {@code aws.endpointUrlSecretsManager}), GCP Secret Manager the
 * stand-in over gRPC ({@code CVA_GCP_SECRET_MANAGER_ENDPOINT}), the receiver a stand-in that accepts the enabled
 * versions ({@code CVA_GCP_RECEIVER_URL}). Exit codes, JSON shapes, confirmation, resume, and no value in any output.
 */
class SecretsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Moto moto;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startMoto(@TempDir Path logs) {
        moto = Moto.start(System.getenv(), logs.resolve("moto.log"));
        System.setProperty("aws.endpointUrlSecretsManager", moto.endpoint().toString());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @AfterAll
    static void stopMoto() {
        System.clearProperty("aws.endpointUrlSecretsManager");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (moto != null) {
            moto.close();
        }
    }

    private record Setup(SecretsWorld world, CliHarness cva, Path project) {}

    /** The repository's cva.yaml, prod's names pointed at this test's stand-ins; secrets re-read every second. */
    private Setup setup() throws Exception {
        String awsName = "cv-analytics/webhook-secret-" + UUID.randomUUID();
        SecretsWorld w = new SecretsWorld(moto, awsName);
        Path project = Files.createDirectories(tmp.resolve("project-" + UUID.randomUUID()));
        Files.copy(
                CliHarness.repoRoot().resolve("cva.yaml"),
                project.resolve("cva.yaml"),
                StandardCopyOption.REPLACE_EXISTING);
        CliHarness cva = new CliHarness(tmp)
                .cwd(project)
                .env("CVA_AWS_WEBHOOK_SECRET_NAME", awsName)
                .env("CVA_GCP_SECRET_MANAGER_ENDPOINT", w.gcp.endpoint())
                .env("CVA_GCP_RECEIVER_URL", w.receiverUrl().toString())
                .env("CVA_SECRETS_REFRESH_SECONDS", "1");
        return new Setup(w, cva, project);
    }

    @Test
    void statusShowsBothCloudsByFingerprintOnly() throws Exception {
        Setup s = setup();
        try (SecretsWorld w = s.world()) {
            CliHarness.Result r = s.cva().run("secrets", "status", "--env", "prod", "--json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            JsonNode out = JSON.readTree(r.out());
            assertThat(out.path("agree").asBoolean()).isTrue();
            assertThat(out.path("maxAgeDays").asInt()).isEqualTo(90);
            assertThat(out.path("clouds")).hasSize(2);
            for (JsonNode cloud : out.path("clouds")) {
                assertThat(cloud.path("current").path("fingerprint").asText()).isEqualTo(w.original.fingerprint());
                assertThat(cloud.path("current").path("id").asText()).isNotBlank();
            }
            assertThat(r.out() + r.err()).doesNotContain(w.original.reveal());

            CliHarness.Result table = s.cva().run("secrets", "status", "--env", "prod");
            assertThat(table.exitCode()).as(table.toString()).isZero();
            assertThat(table.out()).contains("gcp", "aws", w.original.fingerprint(), "both clouds agree");
        }
    }

    @Test
    void statusFailsOnASecretOlderThanMaxAgeDays() throws Exception {
        Setup s = setup();
        try (SecretsWorld w = s.world()) {
            CliHarness.Result r = s.cva()
                    .clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(91)))
                    .run("secrets", "status", "--env", "prod");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("91 days old").contains("maxAgeDays (90)");
        }
    }

    @Test
    void anUnknownSecretIsBadUsage() throws Exception {
        Setup s = setup();
        try (SecretsWorld w = s.world()) {
            CliHarness.Result r = s.cva().run("secrets", "rotate", "database", "--env", "prod", "--yes");

            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("unknown secret 'database'").contains("webhook");
            assertThat(w.gcp.versionCount(SecretsWorld.PROJECT, SecretsWorld.GCP_NAME))
                    .isEqualTo(1);
        }
    }

    @Test
    void prodAsksFirstAndAnOverlapShorterThanTheRefreshIsRefused() throws Exception {
        Setup s = setup();
        try (SecretsWorld w = s.world()) {
            CliHarness.Result unconfirmed = s.cva().run("secrets", "rotate", "webhook", "--env", "prod");
            assertThat(unconfirmed.exitCode()).as(unconfirmed.toString()).isEqualTo(2);
            assertThat(unconfirmed.err()).contains("--yes");

            CliHarness.Result tooShort =
                    s.cva().run("secrets", "rotate", "webhook", "--env", "prod", "--yes", "--overlap", "1s");
            assertThat(tooShort.exitCode()).as(tooShort.toString()).isEqualTo(2);
            assertThat(tooShort.err()).contains("refreshSeconds");
            assertThat(w.gcp.versionCount(SecretsWorld.PROJECT, SecretsWorld.GCP_NAME))
                    .isEqualTo(1);
        }
    }

    @Test
    void anInterruptedRotationSaysHowToResumeAndTheNextRunFinishesIt() throws Exception {
        Setup s = setup();
        try (SecretsWorld w = s.world()) {
            CliHarness.Result first = s.cva()
                    .env(SecretsRotateCommand.FAIL_AFTER, "switch")
                    .run("secrets", "rotate", "webhook", "--env", "prod", "--yes", "--overlap", "2s", "--json");
            assertThat(first.exitCode()).as(first.toString()).isEqualTo(1);
            JsonNode f = JSON.readTree(first.out());
            assertThat(f.path("failedStep").asText()).isEqualTo("switch");
            assertThat(f.path("resume").asText()).isEqualTo("cva secrets rotate webhook --env prod");
            assertThat(first.err())
                    .contains("step switch failed")
                    .contains("Resume with: cva secrets rotate webhook --env prod");

            CliHarness.Result status = s.cva().run("secrets", "status", "--env", "prod");
            assertThat(status.exitCode())
                    .as("an unfinished rotation alarms: " + status)
                    .isEqualTo(1);
            assertThat(status.err()).contains("not finished");

            CliHarness.Result second = s.cva()
                    .env(SecretsRotateCommand.FAIL_AFTER, "")
                    .run("secrets", "rotate", "webhook", "--env", "prod", "--yes", "--overlap", "2s", "--json");
            assertThat(second.exitCode()).as(second.toString()).isZero();
            JsonNode r = JSON.readTree(second.out());
            assertThat(r.path("resumed").asBoolean()).isTrue();
            assertThat(r.path("complete").asBoolean()).isTrue();
            assertThat(r.path("newFingerprint").asText())
                    .isEqualTo(f.path("newFingerprint").asText());
            assertThat(r.path("steps"))
                    .extracting(n -> n.path("step").asText())
                    .containsExactly("add", "confirm", "switch", "overlap", "retire");
            assertThat(r.path("steps").get(2).path("outcome").asText()).isEqualTo("already_done");
            assertThat(r.path("steps").get(4).path("outcome").asText()).isEqualTo("done");
            String all = first.out() + first.err() + second.out() + second.err();
            assertThat(all)
                    .doesNotContain(w.original.reveal())
                    .doesNotContain(w.receiverStore.value(
                            w.receiverStore.enabled().get(0).id()));

            assertThat(s.cva().run("secrets", "status", "--env", "prod").exitCode())
                    .isZero();

            // one audit line per run: the interrupted one failed, the resumed one rotated; fingerprints, no value
            List<AuditEntry> audit = Files.readAllLines(s.project().resolve(".cva/audit.log")).stream()
                    .map(AuditEntry::parse)
                    .filter(e -> e.action().equals("secrets rotate"))
                    .toList();
            assertThat(audit)
                    .extracting(AuditEntry::outcome)
                    .containsExactly(AuditEntry.Outcome.failed, AuditEntry.Outcome.ok);
            assertThat(audit.get(1).before()).isEqualTo(r.path("oldFingerprint").asText());
            assertThat(audit.get(1).after()).isEqualTo(r.path("newFingerprint").asText());
            assertThat(audit).allSatisfy(e -> assertThat(e.environment()).isEqualTo("prod"));
            assertThat(Files.readString(s.project().resolve(".cva/audit.log")))
                    .doesNotContain(w.original.reveal())
                    .doesNotContain("whsec_");
        }
    }

    @Test
    void aReceiverThatNeverAcceptsStopsBeforeTheNotifierSwitches() throws Exception {
        Setup s = setup();
        try (SecretsWorld w = s.world()) {
            w.frozen = true;
            w.accepted();
            CliHarness.Result r =
                    s.cva().run("secrets", "rotate", "webhook", "--env", "prod", "--yes", "--probe-timeout", "2s");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err())
                    .contains("step confirm failed")
                    .contains("the old secret still works")
                    .contains("Resume with: cva secrets rotate webhook --env prod");
            assertThat(w.notifierStore.value(w.notifierStore.current().id())).isEqualTo(w.original.reveal());
        }
    }
}
