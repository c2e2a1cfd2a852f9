# The event queue (FIFO, one message group per requestId) and its FIFO dead-letter queue.

locals {
  # SQS's maximum. The processor parks a lone half for a day longer (ProcessorConfig.DEFAULT_INTERIM_TTL, 15 days),
  # so a half replayed from this DLQ still finds its partner's row; ProcessorConfigTest checks the two agree.
  fourteen_days = 14 * 24 * 60 * 60
}

resource "aws_sqs_queue" "dlq" {
  name                        = var.dlq_name
  fifo_queue                  = true
  content_based_deduplication = false
  message_retention_seconds   = local.fourteen_days
  sqs_managed_sse_enabled     = true
  tags                        = var.tags
}

resource "aws_sqs_queue" "events" {
  name                        = var.queue_name
  fifo_queue                  = true
  content_based_deduplication = false # producers set MessageDeduplicationId = requestId-eventType
  # High-throughput FIFO: ordering and deduplication per message group (one group per requestId).
  deduplication_scope        = "messageGroup"
  fifo_throughput_limit      = "perMessageGroupId"
  visibility_timeout_seconds = var.visibility_timeout
  message_retention_seconds  = var.message_retention_seconds
  sqs_managed_sse_enabled    = true
  tags                       = var.tags

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

# Only the event queue may use the DLQ.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  count = var.redrive_allow_policy ? 1 : 0

  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.events.arn]
  })
}

moved {
  from = aws_sqs_queue_redrive_allow_policy.dlq
  to   = aws_sqs_queue_redrive_allow_policy.dlq[0]
}
