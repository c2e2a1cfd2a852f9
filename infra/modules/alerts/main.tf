# One SNS topic per service that its alarms notify, with e-mail subscriptions (each address confirms once).

variable "name" {
  description = "Name of the topic: <project>-<service>-alarms."
  type        = string
}

variable "emails" {
  description = "Addresses told about alarms."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags of the topic."
  type        = map(string)
  default     = {}
}

resource "aws_sns_topic" "alarms" {
  name              = var.name
  kms_master_key_id = "alias/aws/sns"
  tags              = var.tags
}

data "aws_iam_policy_document" "publish" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.publish.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

output "topic_arn" {
  description = "ARN of the alarm topic."
  value       = aws_sns_topic.alarms.arn
}
