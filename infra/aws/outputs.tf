output "queue_url" {
  description = "URL of the FIFO event queue the chatbot sends query and response events to."
  value       = module.queue.queue_url
}

output "dlq_url" {
  description = "URL of the event queue's FIFO dead-letter queue."
  value       = module.queue.dlq_url
}

output "webhook_dlq_url" {
  description = "URL of the standard queue holding webhooks that failed their last try (cva replay-dlq)."
  value       = module.queue.webhook_dlq_url
}

output "query_events_table_name" {
  description = "Name of the interim DynamoDB table (TTL attribute ttl)."
  value       = module.tables.query_events_table_name
}

output "analytics_table_name" {
  description = "Name of the analytics DynamoDB table (GSI week-index, stream NEW_IMAGE)."
  value       = module.tables.analytics_table_name
}

output "processor_function_arn" {
  description = "ARN of the processor Lambda function."
  value       = module.processor.function_arn
}

output "notifier_function_arn" {
  description = "ARN of the notifier Lambda function."
  value       = module.notifier.function_arn
}

output "reporter_function_arn" {
  description = "ARN of the reporter Lambda function."
  value       = module.reporter.function_arn
}

output "webhook_secret_arn" {
  description = "ARN of the Secrets Manager secret the notifier signs with (its value is set out of band)."
  value       = local.webhook_secret_arn
}

output "budget_name" {
  description = "Name of the monthly AWS cost budget."
  value       = aws_budgets_budget.monthly.name
}
