variable "queue_name" {
  description = "Name of the FIFO event queue (ends in .fifo)."
  type        = string

  validation {
    condition     = endswith(var.queue_name, ".fifo")
    error_message = "A FIFO queue name must end in .fifo."
  }
}

variable "dlq_name" {
  description = "Name of the FIFO dead-letter queue of the event queue (ends in .fifo)."
  type        = string

  validation {
    condition     = endswith(var.dlq_name, ".fifo")
    error_message = "A FIFO queue name must end in .fifo."
  }
}

variable "max_receive_count" {
  description = "Receives before a message moves to the DLQ."
  type        = number
  default     = 3
}

variable "visibility_timeout" {
  description = "Visibility timeout of the event queue in seconds (at least 6 times the consumer's timeout)."
  type        = number
}

variable "message_retention_seconds" {
  description = "Retention of the event queue in seconds."
  type        = number
  default     = 345600 # 4 days, the SQS default
}

variable "tags" {
  description = "Tags of both queues."
  type        = map(string)
  default     = {}
}

variable "redrive_allow_policy" {
  description = "Allow only the event queue to use the DLQ. False only against an API without RedriveAllowPolicy (moto's server ignores it)."
  type        = bool
  default     = true
}
