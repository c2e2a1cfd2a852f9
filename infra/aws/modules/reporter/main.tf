# The reporter: run weekly by an EventBridge rule, reads last ISO week through week-index, keeps its
# once-a-week marker in the interim table, and sends through SES v2 from one identity only.

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  ses_identity_arn = "arn:${data.aws_partition.current.partition}:ses:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:identity/${var.ses_identity}"
}

data "aws_iam_policy_document" "reporter" {
  statement {
    sid       = "ReadWeek"
    actions   = ["dynamodb:Query"]
    resources = ["${var.analytics_table_arn}/index/week-index"]
  }

  # Report markers ("sent at most once per week") live in the interim table.
  statement {
    sid       = "ReportMarkers"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [var.query_events_table_arn]
  }

  statement {
    sid       = "SendReport"
    actions   = ["ses:SendEmail"]
    resources = [local.ses_identity_arn]

    condition {
      test     = "StringEquals"
      variable = "ses:FromAddress"
      values   = [var.report_from]
    }
  }
}

module "function" {
  source = "../lambda-function"

  function_name      = var.function_name
  description        = "CV Analytics reporter: the weekly e-mail report."
  jar_path           = var.jar_path
  handler            = var.service.handler
  runtime            = var.service.runtime
  memory_mb          = var.service.memoryMb
  timeout_seconds    = var.service.timeoutSeconds
  log_retention_days = var.log_retention_days
  policy_json        = data.aws_iam_policy_document.reporter.json

  environment = {
    ANALYTICS_TABLE    = var.analytics_table_name
    QUERY_EVENTS_TABLE = var.query_events_table_name
    REPORT_FROM        = var.report_from
    REPORT_TO          = var.report_to
  }
}

resource "aws_cloudwatch_event_rule" "weekly" {
  name                = "${var.function_name}-weekly"
  description         = "Weekly CV Analytics report, Mondays 07:00 UTC."
  schedule_expression = var.schedule_expression
}

resource "aws_cloudwatch_event_target" "reporter" {
  rule = aws_cloudwatch_event_rule.weekly.name
  arn  = module.function.function_arn

  retry_policy {
    maximum_retry_attempts       = 2
    maximum_event_age_in_seconds = 3600
  }
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowWeeklyRule"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.weekly.arn
}
