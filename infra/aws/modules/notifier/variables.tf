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

variable "analytics_stream_arn" {
  description = "ARN of the analytics table's stream."
  type        = string
}

variable "event_source" {
  description = "services.notifier.eventSource of cva.yaml: the stream mapping's settings, shared with the local runtime."
  type = object({
    batchSize                  = number
    startingPosition           = string
    maximumRetryAttempts       = number
    bisectBatchOnFunctionError = bool
    maximumRecordAgeInSeconds  = number
    parallelizationFactor      = number
  })
}

variable "webhook_url" {
  description = "HTTPS URL of the receiver."
  type        = string
}

variable "webhook_dlq_arn" {
  description = "ARN of the webhook dead-letter queue."
  type        = string
}

variable "webhook_dlq_url" {
  description = "URL of the webhook dead-letter queue."
  type        = string
}

variable "webhook_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the webhook signing secret."
  type        = string
}
