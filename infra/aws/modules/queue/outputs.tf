output "queue_url" {
  description = "URL of the FIFO event queue."
  value       = aws_sqs_queue.events.url
}

output "queue_arn" {
  description = "ARN of the FIFO event queue."
  value       = aws_sqs_queue.events.arn
}

output "dlq_url" {
  description = "URL of the FIFO dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "ARN of the FIFO dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "webhook_dlq_url" {
  description = "URL of the standard webhook dead-letter queue."
  value       = aws_sqs_queue.webhook_dlq.url
}

output "webhook_dlq_arn" {
  description = "ARN of the standard webhook dead-letter queue."
  value       = aws_sqs_queue.webhook_dlq.arn
}
