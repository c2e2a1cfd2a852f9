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

variable "batch_size" {
  description = "Stream records per invocation."
  type        = number
  default     = 10
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing stream batch (halved each time by bisect on error) before it is skipped."
  type        = number
  default     = 5
}

variable "maximum_record_age_in_seconds" {
  description = "Age after which a stream record is skipped instead of retried (-1: until it leaves the stream)."
  type        = number
  default     = 86400
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
