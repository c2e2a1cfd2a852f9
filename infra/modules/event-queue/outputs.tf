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

output "dlq_name" {
  description = "Name of the FIFO dead-letter queue."
  value       = aws_sqs_queue.dlq.name
}

output "queue_name" {
  description = "Name of the event queue."
  value       = aws_sqs_queue.events.name
}
