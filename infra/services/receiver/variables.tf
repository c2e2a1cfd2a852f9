# Every name defaults to cva.yaml (environment var.environment); `cva infra plan|apply` passes the resolved
# settings (flag > CVA_* variable > cva.yaml > default) as -var, so Terraform and cva never disagree.

variable "environment" {
  description = "Environment of cva.yaml whose names are used (also a label)."
  type        = string
  default     = "prod"
}

variable "project" {
  description = "Value of the project label. Null: project of cva.yaml."
  type        = string
  default     = null
}

variable "project_id" {
  description = "GCP project ID. Null: gcp.project of cva.yaml."
  type        = string
  default     = null
}

variable "region" {
  description = "Region of the function, its bucket and the Firestore database. Null: gcp.region of cva.yaml."
  type        = string
  default     = null
}

variable "function_name" {
  description = "Name of the receiver Cloud Function (and its service account). Null: gcp.function of cva.yaml."
  type        = string
  default     = null
}

variable "webhook_secret_name" {
  description = "Secret Manager secret of the webhook secret (the receiver accepts its newest two enabled versions). Null: gcp.webhookSecretName of cva.yaml."
  type        = string
  default     = null
}

variable "receiver_source_dir" {
  description = "Folder holding the receiver's uber jar, the function's first source. Null: services/receiver/target/deploy."
  type        = string
  default     = null
}

variable "webhook_accept_legacy" {
  description = "Whether the receiver still accepts the legacy X-Webhook-Signature scheme (WEBHOOK_ACCEPT_LEGACY)."
  type        = bool
  default     = true
}

variable "max_instances" {
  description = "Upper bound on receiver instances (a cost ceiling)."
  type        = number
  default     = 10
}

variable "enable_apis" {
  description = "Enable the Google APIs this root needs (turn off where a platform team manages them)."
  type        = bool
  default     = true
}

variable "alarm_emails" {
  description = "Addresses told about alerts and budget thresholds. Null: report.to of cva.yaml."
  type        = list(string)
  default     = null
}

variable "billing_account" {
  description = "Billing account ID (XXXXXX-XXXXXX-XXXXXX) of the project, for the receiver's budget. Null: no budget is created."
  type        = string
  default     = null
}

variable "budget_monthly_limit" {
  description = "Monthly budget of the receiver, in the billing account's currency. Null: budget.monthlyGbp of cva.yaml divided among its services."
  type        = number
  default     = null
}

variable "audit_writer_members" {
  description = "Members that run cva against this project (e.g. serviceAccount:deployer@<project>.iam.gserviceaccount.com, the CI deploy account): each may write cva's audit lines (roles/logging.logWriter)."
  type        = list(string)
  default     = []
}

variable "firestore_backup_retention_days" {
  description = "Days each daily Firestore backup is kept (1..7, the most a daily schedule allows). Null: backup.firestoreRetentionDays of cva.yaml."
  type        = number
  default     = null
}

variable "firestore_database" {
  type        = string
  default     = null
  description = "The Firestore database the receiver writes to ((default), or the new database of a cva restore). Null: gcp.firestoreDatabase of cva.yaml, else (default)."

  validation {
    condition     = var.firestore_database == null || can(regex("^([(]default[)]|[a-z][a-z0-9-]{2,61}[a-z0-9])$", var.firestore_database))
    error_message = "firestore_database must be (default) or 4-63 lower-case letters, digits and hyphens starting with a letter."
  }
}
