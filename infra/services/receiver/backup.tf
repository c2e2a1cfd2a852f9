# Backups of the Firestore database (cva backup, cva restore): point-in-time recovery (on the database, in main.tf),
# a daily backup kept for backup.firestoreRetentionDays of cva.yaml, and a service account for restores, apart
# from the deploy identity and the receiver's own account. Restores go into a new database; cva restore then
# deploys the rules and indexes to it and points the receiver at it.

resource "google_firestore_backup_schedule" "daily" {
  project   = local.names.project
  database  = local.firestore_database # the receiver's database: after a restore and switch, the new one
  retention = "${local.backup_retention_days * 86400}s"

  daily_recurrence {}

  lifecycle {
    precondition {
      condition     = local.backup_retention_days >= 1 && local.backup_retention_days <= 7
      error_message = "backup.firestoreRetentionDays must be 1..7: a daily Firestore backup is kept at most 7 days."
    }
  }
}

resource "google_service_account" "restore" {
  project      = local.names.project
  account_id   = "${local.project}-restore"
  display_name = "cva backup / cva restore (Firestore exports, backups and restores; not the deploy identity)"
}

resource "google_project_iam_custom_role" "restore" {
  project     = local.names.project
  role_id     = replace("${local.project}_restore", "-", "_")
  title       = "cva restore"
  description = "Back up Firestore and restore it into a new database, then deploy its rules and indexes."
  permissions = [
    "datastore.backups.get",
    "datastore.backups.list",
    "datastore.backups.restoreDatabase",
    "datastore.backupSchedules.get",
    "datastore.backupSchedules.list",
    "datastore.databases.create",
    "datastore.databases.export",
    "datastore.databases.get",
    "datastore.databases.getMetadata",
    "datastore.databases.import",
    "datastore.databases.list",
    "datastore.entities.list",
    "datastore.indexes.create",
    "datastore.indexes.list",
    "datastore.operations.get",
    "datastore.operations.list",
    "firebaserules.releases.create",
    "firebaserules.releases.update",
    "firebaserules.rulesets.create",
  ]
}

resource "google_project_iam_member" "restore" {
  project = local.names.project
  role    = google_project_iam_custom_role.restore.id
  member  = "serviceAccount:${google_service_account.restore.email}"
}
