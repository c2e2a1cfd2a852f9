variable "function_name" {
  description = "Name of the Lambda function (and the prefix of its role and alarms): <project>-<service>, as cva deploy names it."
  type        = string
}

variable "service" {
  description = "Service the function belongs to (the Service cost-allocation tag)."
  type        = string
}

variable "description" {
  description = "Description of the Lambda function."
  type        = string
  default     = ""
}

variable "jar_path" {
  description = "Deployment jar the function is created with. Null: a placeholder package (cva deploy uploads the code)."
  type        = string
  default     = null
}

variable "handler" {
  description = "Handler, class::method (cva.yaml services.<name>.handler)."
  type        = string
}

variable "runtime" {
  description = "Lambda runtime (cva.yaml services.<name>.runtime)."
  type        = string
  default     = "java21"
}

variable "memory_mb" {
  description = "Memory in MB (cva.yaml services.<name>.memoryMb)."
  type        = number
}

variable "timeout_seconds" {
  description = "Timeout in seconds (cva.yaml services.<name>.timeoutSeconds)."
  type        = number
}

variable "snap_start" {
  description = "Lambda SnapStart on published versions (cva.yaml services.<name>.snapStart, default true)."
  type        = bool
  default     = true
}

variable "environment" {
  description = "Environment variables of the function. Never secret values: pass secret ARNs instead."
  type        = map(string)
  default     = {}
}

variable "policy_json" {
  description = "IAM policy document (JSON) with everything the function may do besides writing its logs."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30
}

variable "error_threshold" {
  description = "Errors per 5 minutes above which the errors alarm fires."
  type        = number
  default     = 0
}

variable "alarm_actions" {
  description = "ARNs told when an alarm changes state (the service's SNS topic)."
  type        = list(string)
  default     = []
}
