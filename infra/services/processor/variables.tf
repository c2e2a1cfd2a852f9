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

variable "queue_name" {
  description = "FIFO event queue. Null: aws.queue of cva.yaml."
  type        = string
  default     = null
}

variable "dlq_name" {
  description = "FIFO dead-letter queue of the event queue. Null: aws.dlq of cva.yaml."
  type        = string
  default     = null
}

variable "query_events_table" {
  description = "Interim table. Null: aws.queryEventsTable of cva.yaml."
  type        = string
  default     = null
}

variable "analytics_table" {
  description = "Analytics table. Null: aws.analyticsTable of cva.yaml."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Protect the DynamoDB tables from deletion."
  type        = bool
  default     = true
}

variable "jar_path" {
  description = "Jar the function is first created with. Null: a placeholder (cva deploy processor uploads the code)."
  type        = string
  default     = null
}

variable "dlq_redrive_allow_policy" {
  description = "Allow only the event queue to use its DLQ (RedriveAllowPolicy). False only for moto's server, which ignores the attribute."
  type        = bool
  default     = true
}

variable "event_queue_oldest_message_seconds" {
  description = "Age of the event queue's oldest message that raises its alarm. Null: alarms.eventQueueOldestMessageSeconds of cva.yaml."
  type        = number
  default     = null
}

variable "audit_retention_days" {
  description = "Days each CloudTrail log file stays locked in the audit bucket (S3 Object Lock)."
  type        = number
  default     = 365
}

variable "audit_object_lock_mode" {
  description = "Object Lock mode of the audit bucket: GOVERNANCE (s3:BypassGovernanceRetention may lift it) or COMPLIANCE (no one may)."
  type        = string
  default     = "GOVERNANCE"
}

variable "audit_trail_logging" {
  description = "Whether the CloudTrail trail records. False only for moto's server (its StartLogging fails for a trail ARN)."
  type        = bool
  default     = true
}

variable "audit_log_group" {
  description = "CloudWatch Logs group of cva's audit lines; cva writes /cva/audit (Audits.AWS_LOG_GROUP)."
  type        = string
  default     = "/cva/audit"
}

variable "audit_log_retention_days" {
  description = "Retention of cva's audit log group."
  type        = number
  default     = 400
}

variable "audit_writer_roles" {
  description = "Names of the IAM roles that run cva deploy, rollback, replay-dlq and secrets rotate (the CI deploy roles): each gets the audit writer policy."
  type        = list(string)
  default     = []
}

variable "restore_principals" {
  description = "IAM principals (ARNs) that may assume the restore role. Empty: the account's own principals (its root)."
  type        = list(string)
  default     = []
}
