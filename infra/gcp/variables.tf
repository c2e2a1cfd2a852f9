# Names and sizes follow cva.yaml (environment `prod`); the variables below override them.

variable "environment" {
  description = "Environment of cva.yaml whose gcp settings are used."
  type        = string
  default     = "prod"
}

variable "project_label" {
  description = "Value of the `project` label on every resource."
  type        = string
  default     = "cv-analytics"
}

variable "project_id" {
  description = "GCP project ID. Null: environments.<environment>.gcp.project of cva.yaml."
  type        = string
  default     = null
}

variable "region" {
  description = "Region of the function, the source bucket and the Firestore database. Null: cva.yaml's gcp.region."
  type        = string
  default     = null
}

variable "receiver_source_dir" {
  description = "Folder holding the receiver's deployable uber jar. Null: services/receiver/target/deploy in this repository."
  type        = string
  default     = null
}

variable "webhook_accept_legacy" {
  description = "Whether the receiver still accepts the legacy X-Webhook-Signature scheme (WEBHOOK_ACCEPT_LEGACY)."
  type        = bool
  default     = true
}

variable "bind_previous_secret" {
  description = "Bind WEBHOOK_SECRET_PREVIOUS during a rotation. Turn on only once the previous secret has an enabled version."
  type        = bool
  default     = false
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
