# The processor: SQS FIFO batches of 10 in, correlated records out to DynamoDB, partial batch failures reported.

data "aws_iam_policy_document" "processor" {
  statement {
    sid = "ConsumeEventQueue"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
    ]
    resources = [var.queue_arn]
  }

  # Interim halves: read, park (update), remove once the record exists. TTL expires the rest.
  statement {
    sid       = "InterimRows"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [var.query_events_table_arn]
  }

  # Final records: written once, conditionally, inside TransactWriteItems.
  statement {
    sid       = "AnalyticsRecords"
    actions   = ["dynamodb:PutItem", "dynamodb:ConditionCheckItem"]
    resources = [var.analytics_table_arn]
  }
}

module "function" {
  source = "../lambda-function"

  function_name      = var.function_name
  description        = "CV Analytics processor: correlates query and response events into analytics records."
  jar_path           = var.jar_path
  handler            = var.service.handler
  runtime            = var.service.runtime
  memory_mb          = var.service.memoryMb
  timeout_seconds    = var.service.timeoutSeconds
  log_retention_days = var.log_retention_days
  policy_json        = data.aws_iam_policy_document.processor.json

  environment = {
    QUERY_EVENTS_TABLE = var.query_events_table_name
    ANALYTICS_TABLE    = var.analytics_table_name
  }
}

resource "aws_lambda_event_source_mapping" "queue" {
  event_source_arn                   = var.queue_arn
  function_name                      = module.function.function_arn
  batch_size                         = var.event_source.batchSize
  maximum_batching_window_in_seconds = var.event_source.maximumBatchingWindowSeconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.event_source.maximumConcurrency
  }
}
