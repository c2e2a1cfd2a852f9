# An alarm on the age of the oldest message of one queue: messages are arriving but nothing takes them (a stuck
# consumer, a failing redrive), which a depth alarm cannot tell from a busy queue.

variable "queue_name" {
  description = "Name of the queue watched."
  type        = string
}

variable "threshold_seconds" {
  description = "Age of the oldest message, in seconds, above which the alarm fires."
  type        = number
}

variable "evaluation_periods" {
  description = "Consecutive 5-minute periods above the threshold before the alarm fires."
  type        = number
  default     = 1
}

variable "description" {
  description = "What the alarm means and what to do."
  type        = string
}

variable "alarm_actions" {
  description = "ARNs told when the alarm changes state."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags of the alarm."
  type        = map(string)
  default     = {}
}

resource "aws_cloudwatch_metric_alarm" "oldest" {
  alarm_name          = "${var.queue_name}-oldest-message"
  alarm_description   = var.description
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = var.queue_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = var.evaluation_periods
  threshold           = var.threshold_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching" # an empty queue reports nothing
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

output "alarm_name" {
  description = "Name of the oldest-message alarm."
  value       = aws_cloudwatch_metric_alarm.oldest.alarm_name
}
