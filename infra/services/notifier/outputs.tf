output "webhook_dlq_url" {
  description = "URL of the standard queue holding webhooks that failed their last try (cva replay-dlq)."
  value       = aws_sqs_queue.webhook_dlq.url
}

output "stream_failure_dlq_url" {
  description = "URL of the standard queue holding the on-failure records of skipped stream batches (cva replay-dlq)."
  value       = aws_sqs_queue.stream_failure_dlq.url
}

output "webhook_secret_arn" {
  description = "ARN of the Secrets Manager secret the notifier signs with (its value is set out of band)."
  value       = aws_secretsmanager_secret.webhook.arn
}

output "function_name" {
  description = "Name of the notifier Lambda function."
  value       = module.function.function_name
}

output "live_alias_arn" {
  description = "ARN of the live alias the stream mapping invokes."
  value       = module.function.alias_arn
}

output "redrive_function_name" {
  description = "Name of the webhook DLQ redrive function."
  value       = module.redrive.function_name
}

output "event_source_mapping_uuid" {
  description = "UUID of the DynamoDB stream event source mapping."
  value       = aws_lambda_event_source_mapping.stream.uuid
}

output "alarm_topic_arn" {
  description = "SNS topic of the notifier's alarms."
  value       = module.alerts.topic_arn
}
