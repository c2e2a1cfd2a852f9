# Backups of the Firestore database (cva backup, cva restore): point-in-time recovery (on the database, in main.tf),
# a daily backup kept for backup.firestoreRetentionDays of cva.yaml, and a service account for restores, apart
# from the deploy identity and the receiver's own account. Restores go into a new database; cva restore then
# deploys the rules and indexes to it and points the receiver at it (a configuration-only deploy of FIRESTORE_DATABASE).

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
  description = "Back up Firestore and restore it into a new database, deploy its rules and indexes, switch the receiver to it."
  # Each permission is one call of cva backup / cva restore (cli/.../backup): the backups, the restore or clone into a
  # new database and its operations; the documents read by a backup and written by a restore in place; the rules
  # (a ruleset, then the database's release created or updated) and the composite indexes of the new database; and
  # the receiver's switch, a configuration-only UpdateFunction of its variables and the Cloud Run traffic moved to
  # the new revision (with actAs on the receiver's own account only, below).
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
    "datastore.entities.create",
    "datastore.entities.get",
    "datastore.entities.list",
    "datastore.entities.update",
    "datastore.indexes.create",
    "datastore.indexes.list",
    "datastore.operations.get",
    "datastore.operations.list",
    "cloudfunctions.functions.get",
    "cloudfunctions.functions.update",
    "cloudfunctions.operations.get",
    "firebaserules.releases.create",
    "firebaserules.releases.update",
    "firebaserules.rulesets.create",
    "run.operations.get",
    "run.revisions.get",
    "run.services.get",
    "run.services.update",
  ]
}

resource "google_project_iam_member" "restore" {
  project = local.names.project
  role    = google_project_iam_custom_role.restore.id
  member  = "serviceAccount:${google_service_account.restore.email}"
}

# Updating the receiver's function (its variables) runs it as its own service account: the restore account may act
# as that one account, no other.
resource "google_service_account_iam_member" "restore_acts_as_receiver" {
  service_account_id = "projects/${local.names.project}/serviceAccounts/${module.function.service_account_email}"
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.restore.email}"
}
