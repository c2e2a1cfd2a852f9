variable "function_name" {
  description = "Name of the Lambda function (and the prefix of its role)."
  type        = string
}

variable "description" {
  description = "Description of the Lambda function."
  type        = string
  default     = ""
}

variable "jar_path" {
  description = "Path to the deployment jar; its SHA-256 decides when the code is updated."
  type        = string
}

variable "handler" {
  description = "Handler, class::method (cva.yaml services.<name>.handler)."
  type        = string
}

variable "runtime" {
  description = "Lambda runtime (cva.yaml services.<name>.runtime)."
  type        = string
  default     = "java17"
}

variable "memory_mb" {
  description = "Memory in MB (cva.yaml services.<name>.memoryMb)."
  type        = number
}

variable "timeout_seconds" {
  description = "Timeout in seconds (cva.yaml services.<name>.timeoutSeconds)."
  type        = number
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
