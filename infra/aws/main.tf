# CV Analytics on AWS: the queue, the tables, the three Lambda functions, the webhook secret and the budget.
# Service settings (handler, runtime, memory, timeout) and resource names come from cva.yaml, so the
# Terraform and the `cva` tool never disagree.

locals {
  cva      = yamldecode(file("${path.module}/../../cva.yaml"))
  services = local.cva.services
  names    = local.cva.environments[var.environment].aws
  repo     = "${path.module}/../.."

  function_prefix = var.project

  jars = {
    processor = coalesce(var.processor_jar, "${local.repo}/${local.services.processor.module}/target/processor-lambda.jar")
    notifier  = coalesce(var.notifier_jar, "${local.repo}/${local.services.notifier.module}/target/notifier-lambda.jar")
    reporter  = coalesce(var.reporter_jar, "${local.repo}/${local.services.reporter.module}/target/reporter-lambda.jar")
  }

  webhook_secret_arn = var.webhook_secret_arn != null ? var.webhook_secret_arn : aws_secretsmanager_secret.webhook[0].arn
}

module "queue" {
  source = "./modules/queue"

  queue_name         = local.names.queue
  dlq_name           = local.names.dlq
  webhook_dlq_name   = local.names.webhookDlq
  max_receive_count  = 3
  visibility_timeout = 6 * local.services.processor.timeoutSeconds # AWS guidance for SQS event sources
}

module "tables" {
  source = "./modules/tables"

  query_events_table  = local.names.queryEventsTable
  analytics_table     = local.names.analyticsTable
  deletion_protection = var.deletion_protection
}

module "processor" {
  source = "./modules/processor"

  function_name      = "${local.function_prefix}-processor"
  service            = local.services.processor
  event_source       = local.services.processor.eventSource
  jar_path           = local.jars.processor
  log_retention_days = var.log_retention_days

  queue_arn               = module.queue.queue_arn
  query_events_table_name = module.tables.query_events_table_name
  query_events_table_arn  = module.tables.query_events_table_arn
  analytics_table_name    = module.tables.analytics_table_name
  analytics_table_arn     = module.tables.analytics_table_arn
}

module "notifier" {
  source = "./modules/notifier"

  function_name      = "${local.function_prefix}-notifier"
  service            = local.services.notifier
  event_source       = local.services.notifier.eventSource
  jar_path           = local.jars.notifier
  log_retention_days = var.log_retention_days

  analytics_stream_arn = module.tables.analytics_stream_arn
  webhook_url          = var.receiver_url
  webhook_dlq_arn      = module.queue.webhook_dlq_arn
  webhook_dlq_url      = module.queue.webhook_dlq_url
  webhook_secret_arn   = local.webhook_secret_arn
}

module "reporter" {
  source = "./modules/reporter"

  function_name      = "${local.function_prefix}-reporter"
  service            = local.services.reporter
  jar_path           = local.jars.reporter
  log_retention_days = var.log_retention_days

  schedule_expression     = "cron(0 7 ? * MON *)"
  analytics_table_name    = module.tables.analytics_table_name
  analytics_table_arn     = module.tables.analytics_table_arn
  query_events_table_name = module.tables.query_events_table_name
  query_events_table_arn  = module.tables.query_events_table_arn
  report_from             = var.report_from
  report_to               = var.report_to
  ses_identity            = coalesce(var.ses_identity, element(split("@", var.report_from), 1))
}
