# cva.yaml is the one source of names, sizes and limits (read here, by cva and by the local runtime).

locals {
  service = "receiver"
  cva     = yamldecode(file("${path.module}/../../../cva.yaml"))
  spec    = local.cva.services[local.service]
  env     = local.cva.environments[var.environment]
  project = coalesce(var.project, try(local.cva.project, null), "cv-analytics")
  # how often the receiver re-reads its webhook secrets (cva.yaml secrets.refreshSeconds, cva's default 30)
  secret_refresh_seconds = try(local.env.secrets.refreshSeconds, 30)

  names = {
    project           = coalesce(var.project_id, local.env.gcp.project)
    region            = coalesce(var.region, local.env.gcp.region)
    function          = coalesce(var.function_name, local.env.gcp.function)
    webhookSecretName = coalesce(var.webhook_secret_name, try(local.env.gcp.webhookSecretName, null), "${local.project}-webhook-secret")
  }

  # environments.<env>.backup of cva.yaml (cva passes it as -var), else cva's built-in default: 7 days, the most a
  # daily Firestore backup schedule keeps.
  backup_retention_days = coalesce(var.firestore_backup_retention_days, try(local.env.backup.firestoreRetentionDays, null), 7)

  # The Firestore database the receiver writes and the dashboard reads (cva.yaml gcp.firestoreDatabase, default
  # "(default)"): another id after `cva restore` restored into a new database and switched the receiver to it.
  # The (default) database stays managed below either way; a restored one is created by the restore, not here.
  firestore_database = coalesce(var.firestore_database, try(local.env.gcp.firestoreDatabase, null), "(default)")
}
