# The audit trail's GCP side (infra/README.md, "Audit trail").
#
# Data Access audit logs of Secret Manager: Admin Activity is always logged; these add who listed or read the
# secrets' metadata (ADMIN_READ), who accessed a secret version's value (DATA_READ) and who added or changed a
# version (DATA_WRITE). They land in the project's _Default bucket as
# logName="projects/<project>/logs/cloudaudit.googleapis.com%2Fdata_access".
resource "google_project_iam_audit_config" "secret_manager" {
  project = local.names.project
  service = "secretmanager.googleapis.com"

  audit_log_config {
    log_type = "ADMIN_READ"
  }
  audit_log_config {
    log_type = "DATA_READ"
  }
  audit_log_config {
    log_type = "DATA_WRITE"
  }
}

# cva's own audit lines for GCP actions (cva deploy receiver, rollback, secrets rotate) go to the log cva-audit
# (entries.write): the identities that run cva against this project may write log entries.
resource "google_project_iam_member" "audit_writer" {
  for_each = toset(var.audit_writer_members)

  project = local.names.project
  role    = "roles/logging.logWriter"
  member  = each.value
}
