output "query_events_table_name" {
  description = "Name of the interim query-events table."
  value       = aws_dynamodb_table.query_events.name
}

output "query_events_table_arn" {
  description = "ARN of the interim query-events table."
  value       = aws_dynamodb_table.query_events.arn
}

output "analytics_table_name" {
  description = "Name of the analytics table."
  value       = aws_dynamodb_table.analytics.name
}

output "analytics_table_arn" {
  description = "ARN of the analytics table."
  value       = aws_dynamodb_table.analytics.arn
}

output "analytics_stream_arn" {
  description = "ARN of the analytics table's NEW_IMAGE stream."
  value       = aws_dynamodb_table.analytics.stream_arn
}
