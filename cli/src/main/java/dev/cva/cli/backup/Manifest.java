package dev.cva.cli.backup;

import java.time.Instant;
import java.util.List;

/**
 * What {@code .cva/backups/<id>/manifest.json} records of a backup: when, of which environment and from where
 * (cva.yaml's project, the AWS account and region, the GCP project: a restore refuses a backup of another one), and
 * each store's copy with its record count and size. {@code onDemandBackups}: on a cloud environment, the ARNs of the
 * DynamoDB on-demand backups taken with it (CreateBackup; empty on local, whose moto keeps nothing past the stack).
 * {@code firestoreBackup}: on a cloud environment, the resource name of the newest scheduled Firestore backup of the
 * receiver's database when the backup was taken (absent on local, and in manifests written before it existed).
 */
public record Manifest(
        int format,
        String id,
        Instant createdAt,
        String environment,
        Origin origin,
        double seconds,
        List<Copy> stores,
        List<String> onDemandBackups,

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        String firestoreBackup) {
    public static final int FORMAT = 1;

    public Manifest(
            int format,
            String id,
            Instant createdAt,
            String environment,
            Origin origin,
            double seconds,
            List<Copy> stores,
            List<String> onDemandBackups) {
        this(format, id, createdAt, environment, origin, seconds, stores, onDemandBackups, null);
    }

    /** Where a backup comes from; two backups of one system have equal origins. */
    public record Origin(String project, String awsAccount, String awsRegion, String gcpProject) {
        String describe() {
            return "project " + project + " (aws " + awsAccount + " " + awsRegion + ", gcp " + gcpProject + ")";
        }
    }

    /** Records in the copy written to {@code file}, 0 when there is none. */
    long file(String file) {
        return stores.stream()
                .filter(c -> c.file().equals(file))
                .mapToLong(Copy::records)
                .sum();
    }

    /** The records of a store: the analytics table's items ({@code dynamodb}) or the analytics documents ({@code firestore}). */
    public long records(String store) {
        return file("dynamodb".equals(store) ? BackupService.DYNAMODB_ANALYTICS : BackupService.FIRESTORE_ANALYTICS);
    }

    long bytes() {
        return stores.stream().mapToLong(Copy::bytes).sum();
    }
}
