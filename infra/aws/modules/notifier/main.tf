# The notifier: the analytics table's stream in, signed webhooks out to the receiver; a webhook that fails its
# last try goes to the webhook DLQ. The signing secret is read from Secrets Manager by ARN.

data "aws_iam_policy_document" "notifier" {
  statement {
    sid = "ReadAnalyticsStream"
    actions = [
      "dynamodb:DescribeStream",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
    ]
    resources = [var.analytics_stream_arn]
  }

  # ListStreams has no stream-level resource; scope it to the table's streams.
  statement {
    sid       = "ListAnalyticsStreams"
    actions   = ["dynamodb:ListStreams"]
    resources = ["${split("/stream/", var.analytics_stream_arn)[0]}/stream/*"]
  }

  statement {
    sid       = "ParkFailedWebhooks"
    actions   = ["sqs:SendMessage"]
    resources = [var.webhook_dlq_arn]
  }

  statement {
    sid       = "ReadWebhookSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.webhook_secret_arn]
  }
}

module "function" {
  source = "../lambda-function"

  function_name      = var.function_name
  description        = "CV Analytics notifier: sends each new analytics record to the receiver as a signed webhook."
  jar_path           = var.jar_path
  handler            = var.service.handler
  runtime            = var.service.runtime
  memory_mb          = var.service.memoryMb
  timeout_seconds    = var.service.timeoutSeconds
  log_retention_days = var.log_retention_days
  policy_json        = data.aws_iam_policy_document.notifier.json

  environment = {
    WEBHOOK_URL        = var.webhook_url
    WEBHOOK_DLQ_URL    = var.webhook_dlq_url
    WEBHOOK_SECRET_ARN = var.webhook_secret_arn # an ARN, never the value
  }
}

resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn               = var.analytics_stream_arn
  function_name                  = module.function.function_arn
  starting_position              = var.event_source.startingPosition
  batch_size                     = var.event_source.batchSize
  bisect_batch_on_function_error = var.event_source.bisectBatchOnFunctionError
  maximum_retry_attempts         = var.event_source.maximumRetryAttempts
  maximum_record_age_in_seconds  = var.event_source.maximumRecordAgeInSeconds
  parallelization_factor         = var.event_source.parallelizationFactor
  function_response_types        = ["ReportBatchItemFailures"]
}
