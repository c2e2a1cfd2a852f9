# The notifier owns the webhook DLQ, the AWS copy of the webhook secret, its stream mapping, and the scheduled
# redrive of the webhook DLQ (the same jar, a second handler). It reads the processor's analytics table by name.

locals {
  receiver_url = coalesce(var.receiver_url, try(local.env.gcp.receiverUrl, null)) # set one of them

  # services.notifier.redrive of cva.yaml (the redrive handler's schedule and pace), with defaults.
  redrive = {
    handler      = try(local.spec.redrive.handler, "dev.cva.notifier.redrive.RedriveHandler::handleRequest")
    schedule     = try(local.spec.redrive.schedule, "rate(1 minute)")
    maxPerSecond = try(local.spec.redrive.maxPerSecond, 75)
    timeout      = try(local.spec.redrive.timeoutSeconds, local.spec.timeoutSeconds)
  }
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

resource "aws_sqs_queue" "webhook_dlq" {
  name                      = local.names.webhookDlq
  message_retention_seconds = 14 * 24 * 60 * 60
  sqs_managed_sse_enabled   = true
  tags                      = local.tags
}

# The stream mapping's on-failure destination: when a batch keeps failing (the notifier itself down, a JVM error)
# and its retries or its age run out, Lambda sends one record here naming the shard and sequence range it skipped
# (the records themselves stay in the stream for its 24 h). cva replay-dlq --queue stream-failures reads it.
resource "aws_sqs_queue" "stream_failure_dlq" {
  name                      = local.names.streamFailureDlq
  message_retention_seconds = 14 * 24 * 60 * 60
  sqs_managed_sse_enabled   = true
  tags                      = local.tags
}

# Terraform manages the secret, never its value (no secret version here): see infra/README.md, "Secrets".
resource "aws_secretsmanager_secret" "webhook" {
  name                    = local.names.webhookSecretName
  description             = "HMAC secret (whsec_<base64>) the notifier signs webhooks to the receiver with. Same value as the GCP secret."
  recovery_window_in_days = 7
  tags                    = local.tags
}

# --- The stream consumer ---

# What each function may do besides writing its logs: infra/policies/notifier.json and notifier-redrive.json, the
# documents the local stack and the tests run the handlers under too. ListStreams has no stream-level resource, so
# the notifier's is scoped to the table's streams (analytics_table_arn/stream/*).
locals {
  policy_arns = {
    analytics_table_arn  = data.aws_dynamodb_table.analytics.arn
    analytics_stream_arn = data.aws_dynamodb_table.analytics.stream_arn
    webhook_dlq_arn      = aws_sqs_queue.webhook_dlq.arn
    webhook_secret_arn   = aws_secretsmanager_secret.webhook.arn
    # Lambda sends the stream mapping's on-failure records with the function's role (RecordSkippedStreamBatches)
    stream_failure_dlq_arn = aws_sqs_queue.stream_failure_dlq.arn
  }
  notifier_policy_json = templatefile("${path.module}/../../policies/notifier.json", local.policy_arns)
  redrive_policy_json  = templatefile("${path.module}/../../policies/notifier-redrive.json", local.policy_arns)
}

module "function" {
  source = "../../modules/lambda-function"

  function_name      = local.function_name
  service            = local.service
  description        = "CV Analytics notifier: sends each new analytics record to the receiver as a signed webhook."
  jar_path           = var.jar_path
  handler            = local.spec.handler
  runtime            = local.spec.runtime
  snap_start         = try(local.spec.snapStart, true)
  memory_mb          = local.spec.memoryMb
  timeout_seconds    = local.spec.timeoutSeconds
  log_retention_days = var.log_retention_days
  policy_json        = local.notifier_policy_json
  alarm_actions      = [module.alerts.topic_arn]

  environment = {
    WEBHOOK_URL        = local.receiver_url
    WEBHOOK_DLQ_URL    = aws_sqs_queue.webhook_dlq.url
    WEBHOOK_SECRET_ARN = aws_secretsmanager_secret.webhook.arn # an ARN, never the value
    # re-read AWSCURRENT this often, so `cva secrets rotate` reaches warm instances (cva.yaml secrets.refreshSeconds)
    WEBHOOK_SECRET_REFRESH_SECONDS = tostring(local.secret_refresh_seconds)
  }
}

# services.notifier.eventSource of cva.yaml: the values the local runtime uses too.
resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn               = data.aws_dynamodb_table.analytics.stream_arn
  function_name                  = module.function.alias_arn
  starting_position              = local.spec.eventSource.startingPosition
  batch_size                     = local.spec.eventSource.batchSize
  bisect_batch_on_function_error = local.spec.eventSource.bisectBatchOnFunctionError
  maximum_retry_attempts         = local.spec.eventSource.maximumRetryAttempts
  maximum_record_age_in_seconds  = local.spec.eventSource.maximumRecordAgeInSeconds
  parallelization_factor         = local.spec.eventSource.parallelizationFactor
  function_response_types        = ["ReportBatchItemFailures"]

  # A batch skipped after its retries (or past its maximum age) is not lost without trace: its shard and
  # sequence range land here (a standard queue; the destination must be one).
  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.stream_failure_dlq.arn
    }
  }
}

# --- The webhook DLQ redrive: the same jar, RedriveHandler, on a schedule ---

module "redrive" {
  source = "../../modules/lambda-function"

  function_name      = "${local.function_name}-redrive"
  service            = local.service
  description        = "CV Analytics notifier: re-sends the webhook DLQ to the receiver once it answers again."
  jar_path           = var.jar_path
  handler            = local.redrive.handler
  runtime            = local.spec.runtime
  snap_start         = try(local.spec.snapStart, true)
  memory_mb          = local.spec.memoryMb
  timeout_seconds    = local.redrive.timeout
  log_retention_days = var.log_retention_days
  policy_json        = local.redrive_policy_json
  alarm_actions      = [module.alerts.topic_arn]

  environment = {
    WEBHOOK_URL                    = local.receiver_url
    WEBHOOK_DLQ_URL                = aws_sqs_queue.webhook_dlq.url
    WEBHOOK_SECRET_ARN             = aws_secretsmanager_secret.webhook.arn
    WEBHOOK_SECRET_REFRESH_SECONDS = tostring(local.secret_refresh_seconds)
    REDRIVE_MAX_PER_SECOND         = tostring(local.redrive.maxPerSecond)
  }
}

module "redrive_schedule" {
  source = "../../modules/schedule"

  name                         = "${local.function_name}-redrive"
  description                  = "Drains the webhook DLQ to the receiver (services.notifier.redrive.schedule)."
  schedule_expression          = local.redrive.schedule
  target_arn                   = module.redrive.alias_arn
  maximum_retry_attempts       = 0  # the next tick is the retry
  maximum_event_age_in_seconds = 60 # the minimum
  tags                         = local.tags
}

# --- Alarms: the webhook DLQ, and the circuit breaker opening (the receiver is down) ---

module "webhook_dlq_alarm" {
  source = "../../modules/sqs-depth-alarm"

  queue_name         = aws_sqs_queue.webhook_dlq.name
  evaluation_periods = 3 # 15 minutes: the redrive drains it once the receiver answers
  description        = "Webhooks have waited 15 minutes in ${aws_sqs_queue.webhook_dlq.name}: is the receiver up? (cva replay-dlq --webhook)"
  alarm_actions      = [module.alerts.topic_arn]
  tags               = local.tags
}

module "stream_failure_dlq_alarm" {
  source = "../../modules/sqs-depth-alarm"

  queue_name    = aws_sqs_queue.stream_failure_dlq.name
  description   = "A stream batch was skipped after its retries and recorded in ${aws_sqs_queue.stream_failure_dlq.name}: its records were never sent. Read it with cva replay-dlq --queue stream-failures (the stream keeps the records 24 h)."
  alarm_actions = [module.alerts.topic_arn]
  tags          = local.tags
}

# The webhook DLQ is drained every minute by the redrive, so a message in it normally leaves within minutes of the
# receiver answering again; its oldest message older than the threshold means the redrive is not healing it (the
# receiver still down, the redrive failing, or a record refused for good that a person must look at). The depth
# alarm above says "webhooks are waiting"; this one says "they are not moving". The stream-failure DLQ and the
# processor's DLQ are never drained by themselves: their depth alarms fire on the first message.
module "webhook_dlq_age_alarm" {
  source = "../../modules/sqs-age-alarm"

  queue_name        = aws_sqs_queue.webhook_dlq.name
  threshold_seconds = local.alarms.webhookDlqOldestMessageSeconds
  description       = "A webhook has waited more than ${local.alarms.webhookDlqOldestMessageSeconds} s in ${aws_sqs_queue.webhook_dlq.name}: the redrive is not delivering it. Is the receiver up? (cva replay-dlq -q webhook, cva logs notifier)"
  alarm_actions     = [module.alerts.topic_arn]
  tags              = local.tags
}

# The stream mapping falling behind: IteratorAge is the age of the last record of each batch when the notifier got it.
resource "aws_cloudwatch_metric_alarm" "stream_iterator_age" {
  alarm_name          = "${local.function_name}-stream-iterator-age"
  alarm_description   = "The notifier reads the analytics stream more than ${local.alarms.streamIteratorAgeSeconds} s behind (IteratorAge, maximum over 5 minutes, 3 periods): records reach the dashboard late, and past maximumRecordAgeInSeconds they are skipped to the stream-failure DLQ."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = module.function.function_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  threshold           = local.alarms.streamIteratorAgeSeconds * 1000 # the metric is in milliseconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching" # no records, no invocations, no metric
  alarm_actions       = [module.alerts.topic_arn]
  ok_actions          = [module.alerts.topic_arn]
  tags                = local.tags
}

# Webhooks the receiver accepted, counted from the notifier's log: cva top's "out" of the notifier in prod.
resource "aws_cloudwatch_log_metric_filter" "delivered" {
  name           = "${local.function_name}-webhooks-delivered"
  log_group_name = module.function.log_group_name
  pattern        = "{ $.message = \"webhook delivered\" }"

  metric_transformation {
    name          = "WebhooksDelivered"
    namespace     = "CVAnalytics/Notifier"
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_log_metric_filter" "breaker_open" {
  name           = "${local.function_name}-breaker-open"
  log_group_name = module.function.log_group_name
  pattern        = "{ $.event = \"breaker_open\" }"

  metric_transformation {
    name          = "BreakerOpen"
    namespace     = "CVAnalytics/Notifier"
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "breaker_open" {
  alarm_name          = "${local.function_name}-breaker-open"
  alarm_description   = "The notifier's circuit breaker kept opening for 15 minutes: the receiver is still failing and the redrive cannot heal it yet; webhooks wait in the webhook DLQ."
  namespace           = aws_cloudwatch_log_metric_filter.breaker_open.metric_transformation[0].namespace
  metric_name         = aws_cloudwatch_log_metric_filter.breaker_open.metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 3 # a failed probe re-opens the breaker (every ~5 s): one open is an outage healing by itself
  datapoints_to_alarm = 3
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
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
