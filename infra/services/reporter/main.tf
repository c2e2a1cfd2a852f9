# The reporter owns its schedule and its SES identity. It reads the processor's tables by name (data sources).

locals {
  report_from  = coalesce(var.report_from, local.env.report.from)
  report_to    = coalesce(var.report_to, local.env.report.to)
  ses_identity = coalesce(var.ses_identity, element(split("@", local.report_from), 1))
}

module "alerts" {
  source = "../../modules/alerts"

  name   = "${local.function_name}-alarms"
  emails = local.alarm_emails
  tags   = local.tags
}

data "aws_dynamodb_table" "analytics" {
  name = local.names.analyticsTable
}

data "aws_dynamodb_table" "query_events" {
  name = local.names.queryEventsTable
}

# The sending domain; publish the DKIM records it outputs, then SES verifies it.
resource "aws_sesv2_email_identity" "sender" {
  email_identity = local.ses_identity
  tags           = local.tags
}

# What the function may do besides writing its logs: infra/policies/reporter.json, the one document the local
# stack and the tests run the handler under too. The report markers ("sent at most once per week": get, put,
# update, delete) live in the interim table; mail goes out only from report_from through the SES identity.
locals {
  policy_json = templatefile("${path.module}/../../policies/reporter.json", {
    analytics_table_arn    = data.aws_dynamodb_table.analytics.arn
    query_events_table_arn = data.aws_dynamodb_table.query_events.arn
    ses_identity_arn       = aws_sesv2_email_identity.sender.arn
    report_from            = local.report_from
  })
}

module "function" {
  source = "../../modules/lambda-function"

  function_name      = local.function_name
  service            = local.service
  description        = "CV Analytics reporter: the weekly e-mail report."
  jar_path           = var.jar_path
  handler            = local.spec.handler
  runtime            = local.spec.runtime
  snap_start         = try(local.spec.snapStart, true)
  memory_mb          = local.spec.memoryMb
  timeout_seconds    = local.spec.timeoutSeconds
  log_retention_days = var.log_retention_days
  policy_json        = local.policy_json
  alarm_actions      = [module.alerts.topic_arn]

  environment = {
    ANALYTICS_TABLE    = data.aws_dynamodb_table.analytics.name
    QUERY_EVENTS_TABLE = data.aws_dynamodb_table.query_events.name
    REPORT_FROM        = local.report_from
    REPORT_TO          = local.report_to
  }
}

module "schedule" {
  source = "../../modules/schedule"

  name                = "${local.function_name}-weekly"
  description         = "Weekly CV Analytics report."
  schedule_expression = var.schedule_expression
  timezone            = var.schedule_timezone
  target_arn          = module.function.alias_arn
  tags                = local.tags
}

# "The report did not go out this week": the reporter logs one Embedded Metric Format record per mailed report
# (CvAnalytics/ReportsSent, dimension service), so no PutMetricData grant is needed. Seven daily periods of the
# sliding window are 7 days, CloudWatch's longest evaluation range (period x evaluation periods <= 604,800 s); no
# data is a week without a report (breaching). A report sent later than the week before raises it until it is sent.
resource "aws_cloudwatch_metric_alarm" "report_not_sent" {
  alarm_name          = "${local.function_name}-report-not-sent"
  alarm_description   = "Fewer than ${local.alarms.reportsPerWeek} weekly report(s) mailed in the last 7 days: check the schedule and the function (cva logs reporter); invoke it with {\"week\":\"YYYY-Www\"} to send one."
  namespace           = "CvAnalytics"
  metric_name         = "ReportsSent"
  dimensions          = { service = local.service }
  statistic           = "Sum"
  period              = 86400
  evaluation_periods  = 7
  datapoints_to_alarm = 7
  threshold           = local.alarms.reportsPerWeek
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [module.alerts.topic_arn]
  ok_actions          = [module.alerts.topic_arn]
  tags                = local.tags
}

module "budget" {
  source = "../../modules/budget"

  name     = "${local.function_name}-monthly"
  service  = local.service
  limit    = local.budget_limit
  currency = var.budget_currency
  emails   = local.alarm_emails
  enabled  = var.budget_enabled
}
