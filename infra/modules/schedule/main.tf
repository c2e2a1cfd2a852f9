# An EventBridge Scheduler schedule that invokes a Lambda alias (the `live` alias, so cva deploy decides which
# version runs), with a role that may invoke that alias and nothing else.

variable "name" {
  description = "Name of the schedule (and the prefix of its role)."
  type        = string
}

variable "description" {
  description = "What the schedule does."
  type        = string
  default     = ""
}

variable "schedule_expression" {
  description = "rate(...) or cron(...) expression."
  type        = string
}

variable "timezone" {
  description = "Time zone of a cron expression."
  type        = string
  default     = "UTC"
}

variable "target_arn" {
  description = "ARN of the Lambda alias invoked."
  type        = string
}

variable "input" {
  description = "JSON event the function receives."
  type        = string
  default     = "{}"
}

variable "maximum_retry_attempts" {
  description = "Retries of a failed invocation."
  type        = number
  default     = 2
}

variable "maximum_event_age_in_seconds" {
  description = "How long a failed invocation is retried."
  type        = number
  default     = 3600
}

variable "tags" {
  description = "Tags of the role."
  type        = map(string)
  default     = {}
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${var.name}-scheduler"
  description        = "Lets EventBridge Scheduler invoke ${var.target_arn}."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "invoke" {
  statement {
    sid       = "InvokeLiveAlias"
    actions   = ["lambda:InvokeFunction"]
    resources = [var.target_arn]
  }
}

resource "aws_iam_role_policy" "invoke" {
  name   = "invoke"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.invoke.json
}

resource "aws_scheduler_schedule" "this" {
  name                = var.name
  description         = var.description
  schedule_expression = var.schedule_expression

  schedule_expression_timezone = var.timezone

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.target_arn
    role_arn = aws_iam_role.scheduler.arn
    input    = var.input

    retry_policy {
      maximum_retry_attempts       = var.maximum_retry_attempts
      maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
    }
  }
}

output "schedule_arn" {
  description = "ARN of the schedule."
  value       = aws_scheduler_schedule.this.arn
}
