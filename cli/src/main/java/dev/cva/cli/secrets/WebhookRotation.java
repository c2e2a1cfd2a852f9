package dev.cva.cli.secrets;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.contracts.webhook.WebhookSecret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Rotates the webhook secret across both clouds so that no correctly signed webhook is ever refused:
 * <ol>
 *   <li>{@code add}: a new Standard Webhooks secret is added as a new version of the receiver's secret (GCP); the
 *       receiver accepts every enabled version, so the old one stays accepted as the previous secret;</li>
 *   <li>{@code confirm}: signed probes, one per secret, until the live receiver accepts both in
 *       {@code probeRounds} consecutive rounds (each instance re-reads its secrets every few seconds);</li>
 *   <li>{@code switch}: the new secret becomes the notifier's {@code AWSCURRENT} (the old one {@code AWSPREVIOUS});
 *       the notifier and its redrive sign with it once their short cache expires;</li>
 *   <li>{@code overlap}: waits until the switch is {@code overlap} old, so webhooks signed with the old secret (in
 *       flight, in a retry, in a cached notifier) still arrive while the old secret is accepted;</li>
 *   <li>{@code retire}: disables the old version in GCP (restorable until destroyed) and waits until the receiver
 *       refuses the old secret.</li>
 * </ol>
 * <p>The state is read from the clouds themselves, never kept elsewhere: one enabled GCP version equal to the
 * notifier's current secret is "nothing in progress"; two enabled with the notifier on the older is "added"; two
 * enabled with the notifier on the newest is "switched". So a rotation stopped after any step is finished by running
 * it again, and two operators never disagree about where it stands. Values never leave this class except into the
 * stores; results carry fingerprints and version ids.
 */
public final class WebhookRotation {
    public enum Step {
        ADD,
        CONFIRM,
        SWITCH,
        OVERLAP,
        RETIRE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Outcome {
        DONE,
        ALREADY_DONE,
        WOULD_DO,
        FAILED,
        NOT_RUN
    }

    public record StepResult(Step step, Outcome outcome, String detail, long millis) {}

    /**
     * @param overlap       how long both secrets stay accepted after the notifier switched
     * @param probeTimeout  how long the confirm (and the retire's check) may wait for the receiver
     * @param probeRounds   consecutive rounds in which both secrets must be accepted
     * @param failAfter     test seam: stop as if interrupted right after this step (null: never)
     * @param settle        how often the services re-read their secrets: the confirm step also waits until the new
     *                      version is that old, so instances the probes did not reach have re-read it too
     */
    public record Options(
            Duration overlap,
            boolean dryRun,
            Duration probeTimeout,
            int probeRounds,
            Duration probeInterval,
            Step failAfter,
            Duration settle) {
        public Options(
                Duration overlap,
                boolean dryRun,
                Duration probeTimeout,
                int probeRounds,
                Duration probeInterval,
                Step failAfter) {
            this(overlap, dryRun, probeTimeout, probeRounds, probeInterval, failAfter, Duration.ZERO);
        }
    }

    /** What one run did; {@code failed} is the step that failed (null when none did). */
    public record Result(
            List<StepResult> steps,
            boolean resumed,
            String oldFingerprint,
            String newFingerprint,
            String receiverVersion,
            String notifierVersion,
            Step failed,
            String error) {
        public boolean complete() {
            return failed == null && steps.stream().noneMatch(s -> s.outcome() == Outcome.WOULD_DO);
        }
    }

    /** Waits (the overlap, between probes); tests may pass one that advances a fake clock. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private enum Phase {
        IDLE,
        ADDED,
        SWITCHED
    }

    private final ReceiverSecretStore receiver;
    private final NotifierSecretStore notifier;
    private final ReceiverProbe probe;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Consumer<String> note;

    public WebhookRotation(
            ReceiverSecretStore receiver,
            NotifierSecretStore notifier,
            ReceiverProbe probe,
            Clock clock,
            Sleeper sleeper,
            Consumer<String> note) {
        this.receiver = receiver;
        this.notifier = notifier;
        this.probe = probe;
        this.clock = clock;
        this.sleeper = sleeper;
        this.note = note;
    }

    public Result rotate(Options o) {
        List<StepResult> steps = new ArrayList<>();
        Step running = Step.ADD;
        String oldFp = null;
        String newFp = null;
        String receiverVersion = null;
        String notifierVersion = null;
        boolean resumed = false;
        try {
            // where a previous run stopped, from the clouds themselves
            List<StoredVersion> enabled = receiver.enabled();
            if (enabled.isEmpty()) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        receiver.name() + " has no enabled version",
                        "enable the last good version in Secret Manager, then run the command again");
            }
            StoredVersion current = notifier.current();
            String notifierValue = notifier.value(current.id());
            String newest = receiver.value(enabled.get(0).id());
            Phase phase;
            String oldValue;
            String newValue;
            if (same(newest, notifierValue)) {
                phase = enabled.size() == 1 ? Phase.IDLE : Phase.SWITCHED;
                oldValue = enabled.size() == 1
                        ? newest
                        : receiver.value(enabled.get(1).id());
                newValue = enabled.size() == 1 ? null : newest;
            } else {
                oldValue = null;
                for (StoredVersion v : enabled.subList(1, enabled.size())) {
                    String value = receiver.value(v.id());
                    if (same(value, notifierValue)) {
                        oldValue = value;
                    }
                }
                if (oldValue == null) {
                    throw new CvaException(
                            ExitCode.FAILURE,
                            "the clouds disagree: the notifier's current secret ("
                                    + fingerprint(notifierValue) + ", " + notifier.name()
                                    + ") is no enabled version of "
                                    + receiver.name() + " (newest " + fingerprint(newest) + ")",
                            "see 'cva secrets status'; put the receiver's newest value into the notifier's secret (or "
                                    + "enable the notifier's in Secret Manager), then run the command again");
                }
                phase = Phase.ADDED;
                newValue = newest;
            }
            resumed = phase != Phase.IDLE;
            oldFp = fingerprint(oldValue);
            if (resumed) {
                note.accept("resuming the rotation from " + oldFp + " to " + fingerprint(newValue) + " ("
                        + (phase == Phase.ADDED
                                ? "added to the receiver, notifier not switched yet"
                                : "notifier switched")
                        + ")");
            }

            // 1. add
            long t = System.nanoTime();
            if (phase == Phase.IDLE) {
                if (o.dryRun()) {
                    steps.add(new StepResult(
                            Step.ADD, Outcome.WOULD_DO, "would add a new whsec_ version to " + receiver.name(), 0));
                } else {
                    newValue = WebhookSecret.random().reveal();
                    receiverVersion = receiver.add(newValue);
                    steps.add(new StepResult(
                            Step.ADD,
                            Outcome.DONE,
                            "added version " + receiverVersion + " (" + fingerprint(newValue) + ") to "
                                    + receiver.name() + "; " + oldFp + " stays enabled",
                            ms(t)));
                }
            } else {
                receiverVersion = enabled.get(0).id();
                steps.add(new StepResult(
                        Step.ADD, Outcome.ALREADY_DONE, "version " + receiverVersion + " of " + receiver.name(), 0));
            }
            newFp = newValue == null ? null : fingerprint(newValue);
            seam(o, Step.ADD);

            // 2. confirm
            running = Step.CONFIRM;
            t = System.nanoTime();
            if (phase == Phase.SWITCHED) {
                steps.add(new StepResult(
                        Step.CONFIRM, Outcome.ALREADY_DONE, "the notifier already signs with " + newFp, 0));
            } else if (o.dryRun()) {
                steps.add(new StepResult(
                        Step.CONFIRM,
                        Outcome.WOULD_DO,
                        "would probe " + probe.target()
                                + " with a webhook signed by each secret until both are accepted",
                        0));
            } else {
                int rounds = confirmBoth(WebhookSecret.parse(oldValue), WebhookSecret.parse(newValue), o);
                Instant settled = receiver.enabled().get(0).created().plus(o.settle());
                if (clock.instant().isBefore(settled)) {
                    sleepUntil(settled); // every instance re-reads within the refresh, probed or not
                }
                steps.add(new StepResult(
                        Step.CONFIRM,
                        Outcome.DONE,
                        probe.target() + " accepted both secrets in "
                                + o.probeRounds() + " consecutive rounds (" + rounds
                                + " rounds in all), and the new version is "
                                + o.settle().toSeconds() + " s old: every instance has re-read it",
                        ms(t)));
            }
            seam(o, Step.CONFIRM);

            // 3. switch
            running = Step.SWITCH;
            t = System.nanoTime();
            Instant switchedAt;
            if (phase == Phase.SWITCHED) {
                notifierVersion = current.id();
                switchedAt = current.created();
                steps.add(new StepResult(
                        Step.SWITCH,
                        Outcome.ALREADY_DONE,
                        "AWSCURRENT of " + notifier.name() + " is version " + notifierVersion + " since " + switchedAt,
                        0));
            } else if (o.dryRun()) {
                switchedAt = null;
                steps.add(new StepResult(
                        Step.SWITCH,
                        Outcome.WOULD_DO,
                        "would make the new secret AWSCURRENT of " + notifier.name()
                                + " (the notifier and its redrive sign with it)",
                        0));
            } else {
                notifierVersion = notifier.put(newValue, token(newValue));
                switchedAt = notifier.current().created();
                steps.add(new StepResult(
                        Step.SWITCH,
                        Outcome.DONE,
                        "version " + notifierVersion + " (" + newFp + ") is AWSCURRENT of " + notifier.name() + "; "
                                + oldFp + " is AWSPREVIOUS",
                        ms(t)));
            }
            seam(o, Step.SWITCH);

            // 4. overlap
            running = Step.OVERLAP;
            t = System.nanoTime();
            if (switchedAt == null) {
                steps.add(new StepResult(
                        Step.OVERLAP,
                        Outcome.WOULD_DO,
                        "would wait " + o.overlap() + " with both secrets accepted",
                        0));
            } else {
                Instant until = switchedAt.plus(o.overlap());
                Duration left = Duration.between(clock.instant(), until);
                if (left.isNegative() || left.isZero()) {
                    steps.add(new StepResult(
                            Step.OVERLAP, Outcome.ALREADY_DONE, "the switch is older than " + o.overlap(), 0));
                } else if (o.dryRun()) {
                    steps.add(new StepResult(Step.OVERLAP, Outcome.WOULD_DO, "would wait until " + until, 0));
                } else {
                    note.accept("both secrets accepted; waiting the overlap until " + until + " (" + left.toSeconds()
                            + " s)");
                    sleepUntil(until);
                    steps.add(new StepResult(Step.OVERLAP, Outcome.DONE, "waited until " + until, ms(t)));
                }
            }
            seam(o, Step.OVERLAP);

            // 5. retire
            running = Step.RETIRE;
            t = System.nanoTime();
            if (o.dryRun()) {
                steps.add(new StepResult(
                        Step.RETIRE, Outcome.WOULD_DO, "would disable " + oldFp + " in " + receiver.name(), 0));
            } else {
                List<String> disabled = new ArrayList<>();
                for (StoredVersion v : receiver.enabled()) {
                    if (!v.id().equals(receiverVersion)) {
                        receiver.disable(v.id());
                        disabled.add(v.id());
                    }
                }
                confirmRefused(WebhookSecret.parse(oldValue), o);
                steps.add(new StepResult(
                        Step.RETIRE,
                        Outcome.DONE,
                        "disabled version " + String.join(", ", disabled)
                                + " of " + receiver.name() + " (enable it to restore " + oldFp + "); " + probe.target()
                                + " refuses " + oldFp + " (401)",
                        ms(t)));
            }
            return new Result(steps, resumed, oldFp, newFp, receiverVersion, notifierVersion, null, null);
        } catch (CvaException e) {
            steps.add(new StepResult(running, Outcome.FAILED, e.getMessage(), 0));
            for (Step s : Step.values()) {
                if (s.ordinal() > running.ordinal()) {
                    steps.add(new StepResult(s, Outcome.NOT_RUN, "", 0));
                }
            }
            return new Result(
                    steps,
                    resumed,
                    oldFp,
                    newFp,
                    receiverVersion,
                    notifierVersion,
                    running,
                    e.getMessage() + (e.hint() == null ? "" : " (" + e.hint() + ")"));
        }
    }

    private int confirmBoth(WebhookSecret old, WebhookSecret fresh, Options o) {
        Instant deadline = clock.instant().plus(o.probeTimeout());
        int consecutive = 0;
        int rounds = 0;
        ReceiverProbe.Answer lastOld = null;
        ReceiverProbe.Answer lastNew = null;
        while (true) {
            rounds++;
            lastOld = probe.probe(old);
            lastNew = probe.probe(fresh);
            consecutive = lastOld == ReceiverProbe.Answer.ACCEPTED && lastNew == ReceiverProbe.Answer.ACCEPTED
                    ? consecutive + 1
                    : 0;
            if (consecutive >= o.probeRounds()) {
                return rounds;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        probe.target() + " did not accept both secrets within " + o.probeTimeout()
                                + " (last answers: old " + lastOld + ", new " + lastNew + ")",
                        "the notifier was not switched and the old secret still works; check that every receiver "
                                + "revision reads its secrets from Secret Manager, then run the command again to resume");
            }
            pause(o.probeInterval());
        }
    }

    private void confirmRefused(WebhookSecret old, Options o) {
        Instant deadline = clock.instant().plus(o.probeTimeout());
        while (probe.probe(old) != ReceiverProbe.Answer.REFUSED) {
            if (clock.instant().isAfter(deadline)) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        probe.target() + " still accepts the retired secret " + fingerprint(old.reveal()) + " after "
                                + o.probeTimeout(),
                        "a receiver instance has not re-read its secrets; run the command again to check once more");
            }
            pause(o.probeInterval());
        }
    }

    private void sleepUntil(Instant until) {
        Duration left;
        while (!(left = Duration.between(clock.instant(), until)).isNegative() && !left.isZero()) {
            pause(left.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : left);
        }
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", "run the command again to resume");
        }
    }

    private static void seam(Options o, Step done) {
        if (o.failAfter() == done && !o.dryRun()) {
            throw new CvaException(ExitCode.FAILURE, "stopped after step " + done.label() + " (test seam)", null);
        }
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Compares two secret values in constant time. */
    static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The fingerprint cva shows for a secret value ({@code sha256:…} of {@link WebhookSecret}), never the value. */
    static String fingerprint(String value) {
        try {
            return WebhookSecret.parse(value).fingerprint();
        } catch (IllegalArgumentException e) {
            return "(not a whsec_ value)";
        }
    }

    /** Secrets Manager's idempotency token for putting {@code value}: the same for every retry of the same secret. */
    static String token(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("cva-rotate:" + value).getBytes(StandardCharsets.UTF_8));
            return UUID.nameUUIDFromBytes(digest).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
