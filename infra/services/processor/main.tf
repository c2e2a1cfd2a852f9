# The processor owns the event queue, its FIFO DLQ and both tables (ownership follows the data: it writes them).
# Other services read the tables by name through data sources, never through this state.

module "alerts" {
  source = "../../modules/alerts"

  name   = "${local.function_name}-alarms"
  emails = local.alarm_emails
  tags   = local.tags
}

module "queue" {
  source = "../../modules/event-queue"

  # visibility_timeout: services.processor.eventSource.visibilityTimeoutSeconds (cva config refuses less than
  # 6 x the function's timeout, AWS's advice for SQS event sources); absent: 6 x the timeout
  queue_name         = local.names.queue
  dlq_name           = local.names.dlq
  max_receive_count  = 3
  visibility_timeout = try(local.spec.eventSource.visibilityTimeoutSeconds, 6 * local.spec.timeoutSeconds)
  tags               = local.tags

  # Only the event queue may use the DLQ (off only for moto's server, which ignores RedriveAllowPolicy).
  redrive_allow_policy = var.dlq_redrive_allow_policy
}

module "tables" {
  source = "../../modules/dynamodb-tables"

  query_events_table  = local.names.queryEventsTable
  analytics_table     = local.names.analyticsTable
  deletion_protection = var.deletion_protection
  tags                = local.tags
}

# What the function may do besides writing its logs: infra/policies/processor.json, the one document the local
# stack and the tests run the handler under too. Interim halves: read, park (PutItem, conditional), remove once the
# record exists (TTL expires the rest); final records: one conditional PutItem each (no transactions).
locals {
  policy_json = templatefile("${path.module}/../../policies/processor.json", {
    queue_arn              = module.queue.queue_arn
    query_events_table_arn = module.tables.query_events_table_arn
    analytics_table_arn    = module.tables.analytics_table_arn
  })
}

module "function" {
  source = "../../modules/lambda-function"

  function_name      = local.function_name
  service            = local.service
  description        = "CV Analytics processor: correlates query and response events into analytics records."
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
    QUERY_EVENTS_TABLE = module.tables.query_events_table_name
    ANALYTICS_TABLE    = module.tables.analytics_table_name
  }
}

# services.processor.eventSource of cva.yaml: the values the local runtime uses too.
resource "aws_lambda_event_source_mapping" "queue" {
  event_source_arn                   = module.queue.queue_arn
  function_name                      = module.function.alias_arn
  batch_size                         = local.spec.eventSource.batchSize
  maximum_batching_window_in_seconds = local.spec.eventSource.maximumBatchingWindowSeconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = local.spec.eventSource.maximumConcurrency
  }
}

module "dlq_alarm" {
  source = "../../modules/sqs-depth-alarm"

  queue_name    = module.queue.dlq_name
  description   = "Events the processor failed 3 times are in ${module.queue.dlq_name}: inspect, fix, then cva replay-dlq."
  alarm_actions = [module.alerts.topic_arn]
  tags          = local.tags
}

# The events are the one queue whose messages must keep moving: the oldest one older than the threshold means the
# processor is not taking them (a broken mapping, a disabled trigger, throttling). The default 900 s is above the
# slowest normal stay: a poison message is received 3 times, 180 s of visibility each, before it moves to the DLQ.
# The DLQ itself needs no age alarm: its depth alarm fires on its first message.
module "event_queue_age_alarm" {
  source = "../../modules/sqs-age-alarm"

  queue_name        = module.queue.queue_name
  threshold_seconds = local.alarms.eventQueueOldestMessageSeconds
  description       = "The oldest event in ${module.queue.queue_name} is older than ${local.alarms.eventQueueOldestMessageSeconds} s: the processor is not consuming the queue. Check the event source mapping and the function's errors (cva top, cva logs processor)."
  alarm_actions     = [module.alerts.topic_arn]
  tags              = local.tags
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

# The account's audit trail (one per account; this root is applied first): CloudTrail management events, read and
# write, to an Object Lock bucket only CloudTrail writes to; the log group of cva's own audit lines and the policy
# that lets the deploy roles write them (infra/README.md, "Audit trail").
module "audit_trail" {
  source = "../../modules/audit-trail"

  name               = "${local.project}-audit"
  retention_days     = var.audit_retention_days
  object_lock_mode   = var.audit_object_lock_mode
  enable_logging     = var.audit_trail_logging
  log_group          = var.audit_log_group
  log_retention_days = var.audit_log_retention_days
  writer_role_names  = var.audit_writer_roles
  tags               = local.tags
}
