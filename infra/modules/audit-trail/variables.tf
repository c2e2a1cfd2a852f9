variable "name" {
  description = "Name of the trail and its writer policy, and the prefix of the bucket (<name>-<account id>)."
  type        = string
}

variable "retention_days" {
  description = "Days each CloudTrail log file stays locked (S3 Object Lock default retention)."
  type        = number
}

variable "object_lock_mode" {
  description = "GOVERNANCE (a principal with s3:BypassGovernanceRetention may lift it) or COMPLIANCE (no one may)."
  type        = string
  validation {
    condition     = contains(["GOVERNANCE", "COMPLIANCE"], var.object_lock_mode)
    error_message = "object_lock_mode is GOVERNANCE or COMPLIANCE."
  }
}

variable "log_group" {
  description = "CloudWatch Logs group of cva's audit lines (cva writes /cva/audit: Audits.AWS_LOG_GROUP)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the audit log group (a value CloudWatch Logs accepts)."
  type        = number
}

variable "writer_role_names" {
  description = "IAM roles (names) that run cva against this account: each gets the writer policy."
  type        = list(string)
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}

variable "enable_logging" {
  description = "Whether the trail records (StartLogging). False only for moto's server, whose StartLogging fails for the trail ARN the provider sends."
  type        = bool
}
