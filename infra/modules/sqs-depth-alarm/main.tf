# An alarm on the depth of one queue (a dead-letter queue: anything in it needs a look).

variable "queue_name" {
  description = "Name of the queue watched."
  type        = string
}

variable "threshold" {
  description = "Visible messages above which the alarm fires."
  type        = number
  default     = 0
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

resource "aws_cloudwatch_metric_alarm" "depth" {
  alarm_name          = "${var.queue_name}-depth"
  alarm_description   = var.description
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.queue_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = var.evaluation_periods
  threshold           = var.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

output "alarm_name" {
  description = "Name of the depth alarm."
  value       = aws_cloudwatch_metric_alarm.depth.alarm_name
}
