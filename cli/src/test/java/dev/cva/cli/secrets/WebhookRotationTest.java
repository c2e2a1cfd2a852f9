package dev.cva.cli.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cva.cli.secrets.WebhookRotation.Outcome;
import dev.cva.cli.secrets.WebhookRotation.Step;
import dev.cva.contracts.webhook.WebhookSecret;
import dev.cva.local.Moto;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rotation against both secret managers' stand-ins behind the real clients (moto's Secrets Manager; the Secret
 * Manager stand-in over gRPC) and a receiver that accepts the enabled versions of its secret: the whole rotation, a
 * rotation interrupted after each step and finished by a second run, and the bad cases that must stop it before the
 * notifier switches.
 */
class WebhookRotationTest {
    private static Moto moto;

    @BeforeAll
    static void startMoto(@TempDir Path logs) {
        moto = Moto.start(System.getenv(), logs.resolve("moto.log"));
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    private static SecretsWorld world() throws Exception {
        // a secret of its own per test: moto is shared by the class
        return new SecretsWorld(moto, "cv-analytics/webhook-secret-" + UUID.randomUUID());
    }

    private static WebhookRotation.Options options(Step failAfter) {
        return new WebhookRotation.Options(
                Duration.ofSeconds(1), false, Duration.ofSeconds(60), 3, Duration.ofMillis(50), failAfter);
    }

    @Test
    void rotatesBothCloudsAndRetiresTheOldSecret() throws Exception {
        try (SecretsWorld w = world()) {
            WebhookRotation.Result r = w.rotation().rotate(options(null));

            assertThat(r.failed()).as(r.toString()).isNull();
            assertThat(r.complete()).isTrue();
            assertThat(r.steps())
                    .extracting(WebhookRotation.StepResult::outcome)
                    .containsOnly(Outcome.DONE);
            assertThat(r.oldFingerprint()).isEqualTo(w.original.fingerprint());
            assertThat(r.newFingerprint()).isNotEqualTo(r.oldFingerprint()).startsWith("sha256:");

            // GCP: one enabled version, the new one; the old one is disabled, not destroyed
            assertThat(w.receiverStore.enabled()).hasSize(1);
            String newValue = w.receiverStore.value(r.receiverVersion());
            assertThat(WebhookSecret.parse(newValue).fingerprint()).isEqualTo(r.newFingerprint());
            assertThat(newValue).startsWith("whsec_");
            assertThat(WebhookSecret.parse(newValue).reveal()).isNotEqualTo(w.original.reveal());
            // AWS: the new one is current, the old one previous (restorable)
            assertThat(w.notifierStore.value(w.notifierStore.current().id())).isEqualTo(newValue);
            assertThat(w.notifierStore.value(
                            w.notifierStore.previous().orElseThrow().id()))
                    .isEqualTo(w.original.reveal());
            // the receiver refuses the retired secret and accepts the new one
            var probe = new HttpReceiverProbe(w.receiverUrl(), Clock.systemUTC());
            assertThat(probe.probe(w.original)).isEqualTo(ReceiverProbe.Answer.REFUSED);
            assertThat(probe.probe(WebhookSecret.parse(newValue))).isEqualTo(ReceiverProbe.Answer.ACCEPTED);
            // no value in any result
            assertThat(r.toString()).doesNotContain(newValue).doesNotContain(w.original.reveal());

            // status agrees afterwards
            SecretStatus.Report status =
                    new SecretStatus(w.receiverStore, w.notifierStore, Clock.systemUTC()).report("prod", 90);
            assertThat(status.ok()).as(status.problems().toString()).isTrue();
            assertThat(status.clouds().get(0).current().fingerprint()).isEqualTo(r.newFingerprint());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Step.class,
            names = {"ADD", "CONFIRM", "SWITCH", "OVERLAP"})
    void aRotationStoppedAfterAnyStepIsFinishedByTheNextRun(Step stoppedAfter) throws Exception {
        try (SecretsWorld w = world()) {
            WebhookRotation.Result first = w.rotation().rotate(options(stoppedAfter));
            assertThat(first.failed())
                    .as("the seam stops the run after " + stoppedAfter)
                    .isNotNull();
            // whatever was done so far, the old secret still works
            var probe = new HttpReceiverProbe(w.receiverUrl(), Clock.systemUTC());
            assertThat(probe.probe(w.original)).isEqualTo(ReceiverProbe.Answer.ACCEPTED);

            WebhookRotation.Result second = w.rotation().rotate(options(null));

            assertThat(second.failed()).as(second.toString()).isNull();
            assertThat(second.resumed()).isTrue();
            assertThat(second.newFingerprint())
                    .as("the second run finishes the first one's rotation")
                    .isEqualTo(first.newFingerprint());
            assertThat(second.steps().get(0).outcome()).isEqualTo(Outcome.ALREADY_DONE);
            // exactly one new version in each cloud: nothing was added twice
            assertThat(w.gcp.versionCount(SecretsWorld.PROJECT, SecretsWorld.GCP_NAME))
                    .isEqualTo(2);
            assertThat(w.aws.listSecretVersionIds(b -> b.secretId(w.notifierStore.name()))
                            .versions())
                    .hasSize(2);
            assertThat(w.receiverStore.enabled()).hasSize(1);
            assertThat(probe.probe(w.original)).isEqualTo(ReceiverProbe.Answer.REFUSED);
        }
    }

    @Test
    void aReceiverThatNeverAcceptsTheNewSecretStopsTheRotationBeforeTheNotifierSwitches() throws Exception {
        try (SecretsWorld w = world()) {
            w.frozen = true;
            w.accepted(); // the receiver reads its secrets once, and never again
            WebhookRotation.Result r = w.rotation()
                    .rotate(new WebhookRotation.Options(
                            Duration.ofSeconds(1), false, Duration.ofSeconds(2), 3, Duration.ofMillis(100), null));

            assertThat(r.failed()).isEqualTo(Step.CONFIRM);
            assertThat(r.error()).contains("did not accept both secrets").contains("run the command again");
            assertThat(r.steps())
                    .extracting(WebhookRotation.StepResult::outcome)
                    .containsExactly(Outcome.DONE, Outcome.FAILED, Outcome.NOT_RUN, Outcome.NOT_RUN, Outcome.NOT_RUN);
            // the notifier still signs with the old secret, and the receiver still accepts it
            assertThat(w.notifierStore.value(w.notifierStore.current().id())).isEqualTo(w.original.reveal());
            assertThat(new HttpReceiverProbe(w.receiverUrl(), Clock.systemUTC()).probe(w.original))
                    .isEqualTo(ReceiverProbe.Answer.ACCEPTED);
        }
    }

    @Test
    void withoutPermissionToAddAVersionNothingChanges() throws Exception {
        try (SecretsWorld w = world()) {
            w.gcp.deny.add("AddSecretVersion");
            WebhookRotation.Result r = w.rotation().rotate(options(null));

            assertThat(r.failed()).isEqualTo(Step.ADD);
            assertThat(r.error()).contains("PERMISSION_DENIED").contains(SecretsWorld.GCP_NAME);
            assertThat(w.gcp.versionCount(SecretsWorld.PROJECT, SecretsWorld.GCP_NAME))
                    .isEqualTo(1);
            assertThat(w.notifierStore.value(w.notifierStore.current().id())).isEqualTo(w.original.reveal());
        }
    }

    @Test
    void aDryRunChangesNothing() throws Exception {
        try (SecretsWorld w = world()) {
            WebhookRotation.Result r = w.rotation()
                    .rotate(new WebhookRotation.Options(
                            Duration.ofSeconds(1), true, Duration.ofSeconds(5), 3, Duration.ofMillis(50), null));

            assertThat(r.failed()).isNull();
            assertThat(r.complete()).isFalse();
            assertThat(r.steps())
                    .extracting(WebhookRotation.StepResult::outcome)
                    .containsOnly(Outcome.WOULD_DO);
            assertThat(w.gcp.versionCount(SecretsWorld.PROJECT, SecretsWorld.GCP_NAME))
                    .isEqualTo(1);
            assertThat(w.aws.listSecretVersionIds(b -> b.secretId(w.notifierStore.name()))
                            .versions())
                    .hasSize(1);
        }
    }

    @Test
    void statusSaysWhenTheCloudsDisagree() throws Exception {
        try (SecretsWorld w = world()) {
            w.aws.putSecretValue(b -> b.secretId(w.notifierStore.name())
                    .secretString(WebhookSecret.random().reveal()));
            SecretStatus.Report r =
                    new SecretStatus(w.receiverStore, w.notifierStore, Clock.systemUTC()).report("prod", 90);

            assertThat(r.agree()).isFalse();
            assertThat(r.ok()).isFalse();
            assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("the clouds disagree"));
            // and a rotation refuses to start from there, naming the disagreement
            WebhookRotation.Result rot = w.rotation().rotate(options(null));
            assertThat(rot.failed()).isEqualTo(Step.ADD);
            assertThat(rot.error()).contains("the clouds disagree");
        }
    }

    @Test
    void statusSaysWhenTheSecretIsTooOld() throws Exception {
        try (SecretsWorld w = world()) {
            Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(91));
            SecretStatus.Report r = new SecretStatus(w.receiverStore, w.notifierStore, later).report("prod", 90);

            assertThat(r.agree()).isTrue();
            assertThat(r.ageDays()).isEqualTo(91);
            assertThat(r.ok()).isFalse();
            assertThat(r.problems())
                    .singleElement()
                    .asString()
                    .contains("91 days old")
                    .contains("maxAgeDays (90)");
        }
    }
}
