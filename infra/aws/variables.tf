# Names and sizes follow cva.yaml (environment `prod`); change them there and here together.

variable "project" {
  description = "Project name, used as a tag and as the prefix of function names."
  type        = string
  default     = "cv-analytics"
}

variable "environment" {
  description = "Environment name from cva.yaml (tag only)."
  type        = string
  default     = "prod"
}

variable "region" {
  description = "AWS region for every resource (cva.yaml environments.prod.aws.region)."
  type        = string
  default     = "eu-west-2"
}

# --- Built artifacts (./mvnw -B package -DskipTests builds them) ---

variable "processor_jar" {
  description = "Path to the processor Lambda jar. Null: <module from cva.yaml>/target/processor-lambda.jar in this repository."
  type        = string
  default     = null
}

variable "notifier_jar" {
  description = "Path to the notifier Lambda jar. Null: <module from cva.yaml>/target/notifier-lambda.jar in this repository."
  type        = string
  default     = null
}

variable "reporter_jar" {
  description = "Path to the reporter Lambda jar. Null: <module from cva.yaml>/target/reporter-lambda.jar in this repository."
  type        = string
  default     = null
}

# --- Wiring between the clouds and to people ---

variable "receiver_url" {
  description = "HTTPS URL of the receiver Cloud Function (the `function_url` output of infra/gcp); the notifier posts webhooks there."
  type        = string

  validation {
    condition     = can(regex("^https://", var.receiver_url))
    error_message = "receiver_url must be an https:// URL."
  }
}

variable "webhook_secret_arn" {
  description = "ARN of an existing Secrets Manager secret holding the webhook secret (whsec_<base64>). When null, this root creates an empty secret named webhook_secret_name; its value is put out of band (see infra/README.md)."
  type        = string
  default     = null
}

variable "webhook_secret_name" {
  description = "Name of the Secrets Manager secret created when webhook_secret_arn is null. Null: webhookSecretName of the environment in cva.yaml."
  type        = string
  default     = null
}

variable "report_from" {
  description = "Sender address of the weekly report; must belong to a verified SES identity (cva.yaml environments.prod.report.from)."
  type        = string
}

variable "report_to" {
  description = "Recipients of the weekly report, comma-separated (cva.yaml environments.prod.report.to)."
  type        = string
}

variable "ses_identity" {
  description = "Verified SES identity (domain or address) the reporter may send from. Null: the domain of report_from."
  type        = string
  default     = null
}

variable "budget_monthly_limit" {
  description = "Monthly AWS cost budget (cva.yaml environments.prod.budget.monthlyGbp), in budget_currency."
  type        = number
  default     = 30

  validation {
    condition     = var.budget_monthly_limit > 0
    error_message = "budget_monthly_limit must be positive."
  }
}

variable "budget_currency" {
  description = "Unit of the budget limit. AWS Budgets uses the account's billing currency, USD unless the account pays in another one (for example GBP)."
  type        = string
  default     = "USD"
}

variable "budget_alert_emails" {
  description = "Addresses told when actual spend passes 80% or forecast spend passes 100% of the budget. Null: the report_to addresses."
  type        = list(string)
  default     = null
}

# --- Tuning ---

variable "log_retention_days" {
  description = "Retention of the Lambda log groups, in days."
  type        = number
  default     = 30
}

variable "deletion_protection" {
  description = "Protect the DynamoDB tables from deletion."
  type        = bool
  default     = true
}
