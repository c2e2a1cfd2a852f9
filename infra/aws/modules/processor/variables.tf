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

variable "queue_arn" {
  description = "ARN of the FIFO event queue."
  type        = string
}

variable "event_source" {
  description = "services.processor.eventSource of cva.yaml: the SQS mapping's settings, shared with the local runtime."
  type = object({
    batchSize                    = number
    maximumConcurrency           = number
    maximumBatchingWindowSeconds = number
  })
}

variable "query_events_table_name" {
  description = "Name of the interim table."
  type        = string
}

variable "query_events_table_arn" {
  description = "ARN of the interim table."
  type        = string
}

variable "analytics_table_name" {
  description = "Name of the analytics table."
  type        = string
}

variable "analytics_table_arn" {
  description = "ARN of the analytics table."
  type        = string
}
