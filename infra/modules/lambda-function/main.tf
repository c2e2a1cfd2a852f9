# One Java Lambda function with its own log group, execution role, `live` alias and alarms. The role can write
# to that log group and do what policy_json allows, nothing else.
#
# Terraform owns the function's configuration; `cva deploy` owns its code and the alias's versions (it uploads,
# publishes and moves `live`). So the function is created from jar_path (or a placeholder package when no jar is
# built: a fresh clone plans and applies) and later code and alias changes are ignored here.

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  log_group_arn = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.function_name}"
  package       = coalesce(var.jar_path, "${path.module}/placeholder.zip")
  # The cost-allocation tag `cva cost` groups by (cost.serviceTag).
  service_tags = { Service = var.service }
}

# Declared explicitly so the retention is set and `terraform destroy` removes it.
resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  tags              = local.service_tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.function_name}-role"
  description        = "Execution role of the ${var.function_name} Lambda function."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = local.service_tags
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }
}

resource "aws_iam_role_policy" "logs" {
  name   = "logs"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.logs.json
}

resource "aws_iam_role_policy" "service" {
  name   = "service"
  role   = aws_iam_role.this.id
  policy = var.policy_json
}

resource "aws_lambda_function" "this" {
  function_name    = var.function_name
  description      = var.description
  role             = aws_iam_role.this.arn
  runtime          = var.runtime
  handler          = var.handler
  memory_size      = var.memory_mb
  timeout          = var.timeout_seconds
  filename         = local.package
  source_code_hash = filebase64sha256(local.package)
  publish          = true # version 1 exists, so the alias has something to point at
  tags             = local.service_tags

  environment {
    variables = var.environment
  }

  # SnapStart (cva.yaml services.<name>.snapStart, default on): Lambda runs the init of each published version once,
  # snapshots it and resumes new execution environments from the snapshot. No IAM permission is needed for it; the
  # handlers re-read what must be fresh after a restore (org.crac hooks). `cva deploy` sets the same before it
  # publishes a version and waits for the version to be Active (its snapshot made).
  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []

    content {
      apply_on = "PublishedVersions"
    }
  }

  lifecycle {
    # `cva deploy` uploads the code and publishes versions.
    ignore_changes = [filename, source_code_hash, publish]
  }

  # Logs go to the log group above, Lambda's default /aws/lambda/<name>, in Lambda's default Text format (the
  # services write their own JSON lines). No logging_config block restates those defaults: moto's server does not
  # return it, so a plan after apply would never settle. The group exists before the function can write to it.
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.logs,
    aws_iam_role_policy.service,
  ]
}

# What event sources and schedules invoke; `cva deploy`, `promote` and `rollback` move it (canary weights too).
resource "aws_lambda_alias" "live" {
  name             = "live"
  description      = "The version that takes traffic; moved by cva deploy, promote and rollback."
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version

  lifecycle {
    ignore_changes = [function_version, routing_config]
  }
}

# --- Alarms: any error, any throttle ---

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.function_name}-errors"
  alarm_description   = "${var.function_name}: invocations ended in an error."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.error_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.service_tags
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  alarm_name          = "${var.function_name}-throttles"
  alarm_description   = "${var.function_name}: invocations were throttled."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.service_tags
}
