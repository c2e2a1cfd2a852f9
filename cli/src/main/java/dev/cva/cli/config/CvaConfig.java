package dev.cva.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * cva.yaml as written: services and environments. See {@link ConfigLoader} for how it is read and checked.
 * {@code defaultEnvironment}: the environment when neither --env, CVA_ENV nor {@code cva env use} chose one (else local).
 */
public record CvaConfig(
        String project,
        @JsonProperty(required = true) Map<String, Service> services,
        @JsonProperty(required = true) Map<String, Environment> environments,
        String defaultEnvironment) {

    public CvaConfig(String project, Map<String, Service> services, Map<String, Environment> environments) {
        this(project, services, environments, null);
    }

    public enum Cloud {
        @JsonProperty("aws")
        AWS,
        @JsonProperty("gcp")
        GCP
    }

    /**
     * A deployable unit: its cloud, Maven module, entry point and runtime limits. A static site names its
     * {@code hosting} instead of an entry point ({@code firebase}: Firebase Hosting, the site being the environment's
     * {@code gcp.hostingSite}); its {@code runtime} is {@code static}.
     *
     * <p>Cold starts (README, "Cold starts"): {@code snapStart} (aws; default on) turns Lambda SnapStart on for the
     * function's published versions; {@code minInstances} (gcp; default 0) keeps that many instances of the function
     * warm, billed while idle; {@code cpuBoost} (gcp; default on) gives each starting instance more CPU until it is
     * ready. The Terraform reads the same keys.
     */
    public record Service(
            @JsonProperty(required = true) Cloud cloud,
            @JsonProperty(required = true) String module,
            String handler,
            String entryPoint,
            @JsonProperty(required = true) String runtime,
            Integer memoryMb,
            Integer timeoutSeconds,
            dev.cva.local.lambda.EventSource eventSource,
            Redrive redrive,
            String hosting,
            Boolean snapStart,
            Integer minInstances,
            Boolean cpuBoost) {
        /** The one hosting cva deploys a static site to. */
        public static final String FIREBASE_HOSTING = "firebase";

        public Service(
                Cloud cloud,
                String module,
                String handler,
                String entryPoint,
                String runtime,
                Integer memoryMb,
                Integer timeoutSeconds,
                dev.cva.local.lambda.EventSource eventSource) {
            this(cloud, module, handler, entryPoint, runtime, memoryMb, timeoutSeconds, eventSource, null, null);
        }

        public Service(
                Cloud cloud,
                String module,
                String handler,
                String entryPoint,
                String runtime,
                Integer memoryMb,
                Integer timeoutSeconds,
                dev.cva.local.lambda.EventSource eventSource,
                Redrive redrive,
                String hosting) {
            this(
                    cloud,
                    module,
                    handler,
                    entryPoint,
                    runtime,
                    memoryMb,
                    timeoutSeconds,
                    eventSource,
                    redrive,
                    hosting,
                    null,
                    null,
                    null);
        }

        /** Lambda SnapStart on published versions: on unless {@code snapStart: false} (aws services only). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean snapStartOn() {
            return cloud == Cloud.AWS && !Boolean.FALSE.equals(snapStart);
        }

        /** Instances kept warm (gcp functions): {@code minInstances}, else 0 (scale to zero). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public int minInstancesOrDefault() {
            return minInstances == null ? 0 : minInstances;
        }

        /** Startup CPU boost (gcp functions): on unless {@code cpuBoost: false}. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean cpuBoostOn() {
            return cloud == Cloud.GCP && !isHosting() && !Boolean.FALSE.equals(cpuBoost);
        }

        /** A static site (the dashboard): published to a hosting service, no function, no logs of its own. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isHosting() {
            return hosting != null && !hosting.isBlank();
        }

        /** The redrive function's timeout: its own, else the service's (as the Terraform resolves it); null if neither. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public Integer redriveTimeoutSeconds() {
            return redrive != null && redrive.timeoutSeconds() != null ? redrive.timeoutSeconds() : timeoutSeconds;
        }
    }

    /**
     * The notifier's scheduled redrive of its webhook DLQ: a second handler in the same jar, run on {@code schedule}
     * (an EventBridge Scheduler expression; the local stack runs it every few seconds instead), at most
     * {@code maxPerSecond} webhooks per second, each run for at most {@code timeoutSeconds} (its function's timeout; a
     * run sends for 15 s less, so with the 1-minute schedule a 70 s timeout sends for 55 s of each minute).
     */
    public record Redrive(String handler, String schedule, Double maxPerSecond, Integer timeoutSeconds) {}

    /** Names, regions, endpoints and limits of one environment. Absent values come from the built-in defaults. */
    public record Environment(
            Aws aws,
            Gcp gcp,
            Webhook webhook,
            Report report,
            Budget budget,
            Cost cost,
            Dashboard dashboard,
            Alarms alarms,
            Secrets secrets,
            Backup backup) {
        public Environment(Aws aws, Gcp gcp, Webhook webhook, Report report, Budget budget, Cost cost) {
            this(aws, gcp, webhook, report, budget, cost, null, null, null, null);
        }

        public Environment(
                Aws aws,
                Gcp gcp,
                Webhook webhook,
                Report report,
                Budget budget,
                Cost cost,
                Dashboard dashboard,
                Alarms alarms) {
            this(aws, gcp, webhook, report, budget, cost, dashboard, alarms, null, null);
        }

        public Environment(
                Aws aws, Gcp gcp, Webhook webhook, Report report, Budget budget, Cost cost, Dashboard dashboard) {
            this(aws, gcp, webhook, report, budget, cost, dashboard, null, null, null);
        }

        /** The dashboard's readers; empty when none are configured (then nobody reads). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public java.util.List<String> dashboardReaders() {
            return dashboard == null || dashboard.readers() == null ? java.util.List.of() : dashboard.readers();
        }
    }

    /** {@code account}: the AWS account id (12 digits, quoted), shown by {@code cva env} and in confirmations. */
    public record Aws(
            String account,
            String region,
            String queue,
            String dlq,
            String webhookDlq,
            String streamFailureDlq,
            String queryEventsTable,
            String analyticsTable,
            String webhookSecretName,
            String endpoint) {}

    /**
     * {@code hostingSite}: the Firebase Hosting site of {@code cva deploy dashboard} (default: the project's id);
     * {@code firebaseApiKey} / {@code firebaseAppId} / {@code firebaseAuthDomain}: the Firebase web app the deployed
     * dashboard signs in with (identifiers, not secrets); {@code hostingEndpoint} points the Hosting API elsewhere
     * (tests, recording proxies) and then uses no credentials. {@code firestoreDatabase}: the Firestore database the
     * receiver writes ({@code (default)} unless {@code cva restore} switched it to a restored one), passed to the
     * receiver as FIRESTORE_DATABASE by the local stack and by infra/services/receiver.
     */
    public record Gcp(
            String project,
            String region,
            String function,
            String webhookSecretName,
            String receiverUrl,
            String hostingSite,
            String firebaseApiKey,
            String firebaseAppId,
            String firebaseAuthDomain,
            String hostingEndpoint,
            String firestoreDatabase) {}

    /**
     * {@code cva secrets}: the most days the webhook secret may live ({@code status} exits 1 past it), how long a
     * rotation keeps both secrets accepted after the notifier switched ({@code overlap}, a duration such as 10m), and
     * how often the receiver and the notifier re-read their secrets ({@code refreshSeconds}; the overlap must be at
     * least twice that).
     */
    public record Secrets(Integer maxAgeDays, String overlap, Integer refreshSeconds) {}

    public record Webhook(String url, String secret, String secretPrevious, Boolean acceptLegacy) {}

    public record Report(String from, String to) {}

    public record Budget(Double monthlyGbp) {}

    /**
     * {@code readers}: the e-mails that may read the dashboard, rendered into the Firestore rules (by Terraform and
     * by the local stack; see infra/services/receiver/firestore.rules.tftpl). A {@code CVA_DASHBOARD_READERS}
     * variable gives them comma-separated.
     */
    public record Dashboard(java.util.List<String> readers) {}

    /**
     * Thresholds of the CloudWatch alarms the Terraform adds (infra/services/*): the notifier's stream mapping
     * {@code IteratorAge} (Maximum), the oldest message of the event queue and of the webhook DLQ, and the reports the
     * reporter must mail a week (the alarm fires below it, missing data counting as none).
     */
    public record Alarms(
            Integer streamIteratorAgeSeconds,
            Integer eventQueueOldestMessageSeconds,
            Integer webhookDlqOldestMessageSeconds,
            Integer reportsPerWeek) {}

    /**
     * Backups ({@code cva backup}, {@code cva restore}, infra/services/receiver/backup.tf): how many days each daily
     * Firestore backup is kept (1..7; DynamoDB's PITR keeps 35 days by itself).
     */
    public record Backup(Integer firestoreRetentionDays) {}

    /**
     * {@code cva cost}: the cost-allocation tag that marks the project's resources ({@code Key=value}, set by
     * the Terraform), the tag naming each resource's service, the report currency and its rate per USD (with
     * the date of that rate), the Cloud Billing export table in BigQuery, the Lambda architecture and
     * Firestore location the estimate prices. {@code billingEndpoint} / {@code monitoringEndpoint} point the
     * BigQuery / Cloud Monitoring clients elsewhere (tests, recording proxies) and then use no credentials.
     */
    public record Cost(
            String tag,
            String serviceTag,
            String currency,
            String usdRate,
            String rateDate,
            String billingTable,
            String billingLabel,
            String billingEndpoint,
            String monitoringEndpoint,
            String lambdaArchitecture,
            String firestoreLocation) {}
}
