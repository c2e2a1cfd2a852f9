variable "project_id" {
  description = "GCP project ID."
  type        = string
}

variable "region" {
  description = "Region of the function, its source bucket and the Firestore database."
  type        = string
}

variable "function_name" {
  description = "Name of the Cloud Function (also its service account ID)."
  type        = string
}

variable "entry_point" {
  description = "Fully qualified class of the function (cva.yaml services.receiver.entryPoint)."
  type        = string
}

variable "runtime" {
  description = "Cloud Functions runtime (cva.yaml services.receiver.runtime)."
  type        = string
  default     = "java17"
}

variable "memory_mb" {
  description = "Memory in MB (cva.yaml services.receiver.memoryMb)."
  type        = number
}

variable "timeout" {
  description = "Request timeout in seconds (cva.yaml services.receiver.timeoutSeconds)."
  type        = number
}

variable "max_instances" {
  description = "Upper bound on instances."
  type        = number
  default     = 10
}

variable "source_dir" {
  description = "Folder holding the deployable uber jar (services/receiver/target/deploy)."
  type        = string
}

variable "build_dir" {
  description = "Folder where the source zip is written before upload."
  type        = string
}

variable "webhook_secret_id" {
  description = "Secret Manager secret ID of the current webhook secret; the previous one is <id>-previous."
  type        = string
}

variable "webhook_accept_legacy" {
  description = "Accept the legacy X-Webhook-Signature scheme."
  type        = bool
  default     = true
}

variable "bind_previous_secret" {
  description = "Bind WEBHOOK_SECRET_PREVIOUS (needs an enabled version of the previous secret)."
  type        = bool
  default     = false
}
