# Every name defaults to cva.yaml (environment var.environment); `cva infra plan|apply` passes the resolved
# settings (flag > CVA_* variable > cva.yaml > default) as -var, so Terraform and cva never disagree.

variable "environment" {
  description = "Environment of cva.yaml whose names are used (also a tag)."
  type        = string
  default     = "prod"
}

variable "project" {
  description = "Project name: tag and prefix of every function name. Null: project of cva.yaml."
  type        = string
  default     = null
}

variable "region" {
  description = "AWS region. Null: environments.<environment>.aws.region of cva.yaml."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the Lambda log groups, in days."
  type        = number
  default     = 30
}

variable "alarm_emails" {
  description = "Addresses told about alarms and budget alerts. Null: report.to of cva.yaml."
  type        = list(string)
  default     = null
}

variable "budget_monthly_limit" {
  description = "Monthly budget of this service. Null: budget.monthlyGbp of cva.yaml divided among its services."
  type        = number
  default     = null
}

variable "budget_currency" {
  description = "The account's billing currency (AWS Budgets counts in it)."
  type        = string
  default     = "USD"
}

variable "budget_enabled" {
  description = "Create the service's monthly budget. False only for moto's server, which lacks the Budgets tag calls."
  type        = bool
  default     = true
}

variable "webhook_dlq_name" {
  description = "Standard queue of webhooks that failed their last try. Null: aws.webhookDlq of cva.yaml."
  type        = string
  default     = null
}

variable "stream_failure_dlq_name" {
  description = "Standard queue the stream mapping sends a batch's on-failure record to once its retries are spent. Null: aws.streamFailureDlq of cva.yaml."
  type        = string
  default     = null
}

variable "webhook_secret_name" {
  description = "Secrets Manager secret the notifier signs with (its value is put out of band). Null: aws.webhookSecretName of cva.yaml."
  type        = string
  default     = null
}

variable "analytics_table" {
  description = "Analytics table whose stream the notifier reads (owned by the processor, read by name). Null: aws.analyticsTable of cva.yaml."
  type        = string
  default     = null
}

variable "receiver_url" {
  description = "HTTPS URL of the receiver (output function_url of infra/services/receiver). Null: gcp.receiverUrl of cva.yaml."
  type        = string
  default     = null

  validation {
    condition     = var.receiver_url == null || can(regex("^https://", var.receiver_url))
    error_message = "receiver_url must be an https:// URL."
  }
}

variable "jar_path" {
  description = "Jar both notifier functions are first created with. Null: a placeholder (cva deploy notifier uploads the code)."
  type        = string
  default     = null
}

variable "stream_iterator_age_seconds" {
  description = "IteratorAge (Maximum) of the stream mapping that raises its alarm, in seconds. Null: alarms.streamIteratorAgeSeconds of cva.yaml."
  type        = number
  default     = null
}

variable "webhook_dlq_oldest_message_seconds" {
  description = "Age of the webhook DLQ's oldest message that raises its alarm. Null: alarms.webhookDlqOldestMessageSeconds of cva.yaml."
  type        = number
  default     = null
}
