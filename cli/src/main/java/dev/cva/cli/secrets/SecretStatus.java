package dev.cva.cli.secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code cva secrets status}: the webhook secret in both clouds of one environment, by fingerprint, version id and
 * age, never by value; whether both clouds agree (the notifier's current secret is the receiver's newest enabled
 * version) and whether the secret is older than the environment's {@code secrets.maxAgeDays}.
 */
public final class SecretStatus {
    /** One version as shown: its id in the cloud, fingerprint, when it was added and its age in days. */
    public record Version(String id, String fingerprint, Instant created, long ageDays) {}

    /** One cloud's secret: where it lives, its current and (if any) previous version. */
    public record Cloud(String cloud, String store, String secret, Version current, Version previous) {}

    /** {@code ok} is false when the clouds disagree or the secret is too old; {@code problems} says which. */
    public record Report(
            String environment,
            List<Cloud> clouds,
            boolean agree,
            boolean rotationInProgress,
            long ageDays,
            int maxAgeDays,
            List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final ReceiverSecretStore receiver;
    private final NotifierSecretStore notifier;
    private final Clock clock;

    public SecretStatus(ReceiverSecretStore receiver, NotifierSecretStore notifier, Clock clock) {
        this.receiver = receiver;
        this.notifier = notifier;
        this.clock = clock;
    }

    public Report report(String environment, int maxAgeDays) {
        Instant now = clock.instant();
        List<StoredVersion> enabled = receiver.enabled();
        List<String> problems = new ArrayList<>();
        Version gcpCurrent =
                enabled.isEmpty() ? null : version(receiver.value(enabled.get(0).id()), enabled.get(0), now);
        Version gcpPrevious = enabled.size() < 2
                ? null
                : version(receiver.value(enabled.get(1).id()), enabled.get(1), now);
        StoredVersion awsCurrent = notifier.current();
        Version aws = version(notifier.value(awsCurrent.id()), awsCurrent, now);
        Optional<StoredVersion> awsPrevious = notifier.previous();
        Version awsPrev =
                awsPrevious.map(p -> version(notifier.value(p.id()), p, now)).orElse(null);

        boolean agree = gcpCurrent != null && gcpCurrent.fingerprint().equals(aws.fingerprint());
        boolean inProgress = gcpPrevious != null;
        if (gcpCurrent == null) {
            problems.add("the receiver's secret " + receiver.name() + " has no enabled version");
        } else if (!agree) {
            boolean accepted = gcpPrevious != null && gcpPrevious.fingerprint().equals(aws.fingerprint());
            problems.add(
                    "the clouds disagree: the notifier signs with " + aws.fingerprint() + ", the receiver's newest is "
                            + gcpCurrent.fingerprint()
                            + (accepted
                                    ? " (a rotation stopped before the notifier switched: 'cva secrets rotate webhook' finishes it)"
                                    : " and the receiver does not accept the notifier's: webhooks are refused"));
        } else if (inProgress) {
            problems.add("a rotation is not finished: the receiver still accepts " + gcpPrevious.fingerprint()
                    + " ('cva secrets rotate webhook' finishes it)");
        }
        long age = gcpCurrent == null ? aws.ageDays() : gcpCurrent.ageDays();
        if (age > maxAgeDays) {
            problems.add("the secret is " + age + " days old, more than secrets.maxAgeDays (" + maxAgeDays
                    + "): rotate it with 'cva secrets rotate webhook'");
        }
        List<Cloud> clouds = List.of(
                new Cloud("gcp", "Secret Manager", receiver.name(), gcpCurrent, gcpPrevious),
                new Cloud("aws", "Secrets Manager", notifier.name(), aws, awsPrev));
        return new Report(environment, clouds, agree, inProgress, age, maxAgeDays, List.copyOf(problems));
    }

    private static Version version(String value, StoredVersion v, Instant now) {
        return new Version(
                v.id(),
                WebhookRotation.fingerprint(value),
                v.created(),
                Math.max(0, Duration.between(v.created(), now).toDays()));
    }
}
