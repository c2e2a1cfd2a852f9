variable "function_name" {
  description = "Name of the Lambda function."
  type        = string
}

variable "service" {
  description = "The service entry of cva.yaml: handler, runtime, memoryMb, timeoutSeconds."
  type = object({
    handler        = string
    runtime        = string
    memoryMb       = number
    timeoutSeconds = number
  })
}

variable "jar_path" {
  description = "Path to the built Lambda jar."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30
}

variable "schedule_expression" {
  description = "EventBridge schedule of the report (UTC)."
  type        = string
  default     = "cron(0 7 ? * MON *)"
}

variable "analytics_table_name" {
  description = "Name of the analytics table."
  type        = string
}

variable "analytics_table_arn" {
  description = "ARN of the analytics table."
  type        = string
}

variable "query_events_table_name" {
  description = "Name of the interim table (holds the report markers)."
  type        = string
}

variable "query_events_table_arn" {
  description = "ARN of the interim table."
  type        = string
}

variable "report_from" {
  description = "Sender address of the report."
  type        = string
}

variable "report_to" {
  description = "Recipients of the report, comma-separated."
  type        = string
}

variable "ses_identity" {
  description = "Verified SES identity (domain or address) the function may send from."
  type        = string
}
