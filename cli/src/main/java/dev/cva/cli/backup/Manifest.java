package dev.cva.cli.backup;

import java.time.Instant;
import java.util.List;

/**
 * What {@code .cva/backups/<id>/manifest.json} records of a backup: when, of which environment and from where
 * (cva.yaml's project, the AWS account and region, the GCP project: a restore refuses a backup of another one), and
 * each store's copy with its record count and size. {@code onDemandBackups}: on a cloud environment, the ARNs of the
 * DynamoDB on-demand backups taken with it (CreateBackup; empty on local, whose moto keeps nothing past the stack).
 */
public record Manifest(int format, String id, Instant createdAt, String environment, Origin origin, double seconds,
                       List<Copy> stores, List<String> onDemandBackups) {
    public static final int FORMAT = 1;

    /** Where a backup comes from; two backups of one system have equal origins. */
    public record Origin(String project, String awsAccount, String awsRegion, String gcpProject) {
        String describe() {
            return "project " + project + " (aws " + awsAccount + " " + awsRegion + ", gcp " + gcpProject + ")";
        }
    }

    /** Records in the copy written to {@code file}, 0 when there is none. */
    long file(String file) {
        return stores.stream().filter(c -> c.file().equals(file)).mapToLong(Copy::records).sum();
    }

    /** The records of a store: the analytics table's items ({@code dynamodb}) or the analytics documents ({@code firestore}). */
    public long records(String store) {
        return file("dynamodb".equals(store) ? BackupService.DYNAMODB_ANALYTICS : BackupService.FIRESTORE_ANALYTICS);
    }

    long bytes() {
        return stores.stream().mapToLong(Copy::bytes).sum();
    }
}
