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

variable "query_events_table" {
  description = "Interim table holding the report markers (owned by the processor, read by name). Null: aws.queryEventsTable of cva.yaml."
  type        = string
  default     = null
}

variable "analytics_table" {
  description = "Analytics table the report reads (owned by the processor, read by name). Null: aws.analyticsTable of cva.yaml."
  type        = string
  default     = null
}

variable "report_from" {
  description = "Sender of the weekly report. Null: report.from of cva.yaml."
  type        = string
  default     = null
}

variable "report_to" {
  description = "Recipients of the weekly report, comma-separated. Null: report.to of cva.yaml."
  type        = string
  default     = null
}

variable "ses_identity" {
  description = "SES identity (domain) the reporter sends from; created here, verified through its DKIM records. Null: the domain of report_from."
  type        = string
  default     = null
}

variable "schedule_expression" {
  description = "When the report runs (EventBridge Scheduler, in schedule_timezone)."
  type        = string
  default     = "cron(0 7 ? * MON *)"
}

variable "schedule_timezone" {
  description = "Time zone of schedule_expression."
  type        = string
  default     = "UTC"
}

variable "jar_path" {
  description = "Jar the function is first created with. Null: a placeholder (cva deploy reporter uploads the code)."
  type        = string
  default     = null
}

variable "reports_per_week" {
  description = "Reports the reporter must mail in 7 days; fewer raises the alarm. Null: alarms.reportsPerWeek of cva.yaml."
  type        = number
  default     = null
}
